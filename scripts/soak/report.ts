// How a scenario reports: named figures as it goes, then one PASS/FAIL line per criterion.
export interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export class Report {
  readonly checks: Check[] = [];
  readonly figures: Array<[string, string]> = [];
  readonly started = performance.now();

  constructor(readonly scenario: string) {}

  figure(name: string, value: string | number): void {
    const text = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value;
    this.figures.push([name, text]);
    console.log(`[soak:${this.scenario}]   ${name}: ${text}`);
  }

  note(text: string): void {
    console.log(`[soak:${this.scenario}] ${text}`);
  }

  check(what: string, ok: boolean, detail: string): void {
    this.checks.push({ what, ok, detail });
    console.log(`[soak:${this.scenario}] ${ok ? 'PASS' : 'FAIL'} ${what} (${detail})`);
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}
