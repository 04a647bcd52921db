// The signed-in volunteer's name, shown where a form names who is acting. The desktop shell
// always records the signed-in volunteer itself, whatever a form says.
let name = "";

export function signedInName(): string {
  return name;
}

export function setSignedInName(signedIn: string): void {
  name = signedIn;
}
