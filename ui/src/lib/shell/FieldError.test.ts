import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import FieldError from "./FieldError.svelte";

let shown: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (shown) unmount(shown);
  shown = undefined;
  document.body.innerHTML = "";
});

function render(message: string | string[] | null): HTMLElement {
  shown = mount(FieldError, { target: document.body, props: { control: "backups-kept", message } });
  flushSync();
  return document.body;
}

describe("FieldError", () => {
  it("shows one message with the id the input points to", () => {
    const body = render("Keep between 1 and 100 backups.");
    const p = body.querySelector("#backups-kept-error");
    expect(p?.tagName).toBe("P");
    expect(p?.textContent).toBe("Keep between 1 and 100 backups.");
    expect(p?.className).toBe("field-error");
  });

  it("lists several messages under the same id", () => {
    const body = render(["Beans: 1 of 3", "Rice: 0 of 1"]);
    const items = [...body.querySelectorAll("#backups-kept-error li")].map((li) => li.textContent);
    expect(items).toEqual(["Beans: 1 of 3", "Rice: 0 of 1"]);
  });

  it("shows nothing when there is nothing to say", () => {
    expect(render(null).querySelector(".field-error")).toBeNull();
  });
});
