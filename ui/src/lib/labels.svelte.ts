// What each value of the library's closed lists is called on screen. The library sends these
// once, with the app's status at start-up; screens read them here and never spell them out.
import type { FeeMethod } from "./bindings/FeeMethod";
import type { FlagOption } from "./bindings/FlagOption";
import type { Labels } from "./bindings/Labels";
import type { Status } from "./bindings/Status";
import type { SupportNeed } from "./bindings/SupportNeed";
import type { ContactOutcome } from "./bindings/ContactOutcome";
import type { DeliveryOutcome } from "./bindings/DeliveryOutcome";

let current = $state<Labels>({ statuses: [], feeMethods: [], supportNeeds: [], contactOutcomes: [], deliveryOutcomes: [] });

export const labels = {
  get statuses(): FlagOption<Status>[] {
    return current.statuses;
  },
  get feeMethods(): FlagOption<FeeMethod>[] {
    return current.feeMethods;
  },
  get supportNeeds(): FlagOption<SupportNeed>[] {
    return current.supportNeeds;
  },
  get contactOutcomes(): FlagOption<ContactOutcome>[] {
    return current.contactOutcomes;
  },
  get deliveryOutcomes(): FlagOption<DeliveryOutcome>[] {
    return current.deliveryOutcomes;
  },
  /** Called once the app's status has arrived. */
  set(from: Labels): void {
    current = from;
  },
};

/** The label of `value` in `options` (the value itself only if the library sent no label). */
export function labelOf<T>(options: FlagOption<T>[], value: T): string {
  return options.find((o) => o.value === value)?.label ?? String(value);
}
