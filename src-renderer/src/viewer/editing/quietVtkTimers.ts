// vtk.js's ImageMarchingCubes times every surface it builds with console.time('mcubes') / timeEnd, which
// prints "mcubes: N ms" to the console of a product that prints no debug lines. Those two labels are
// silenced here (once, for the page); every other console.time still prints.
const QUIET = new Set(['mcubes']);

let installed = false;

export function quietVtkTimers(): void {
  if (installed) return;
  installed = true;
  const { time, timeEnd } = console;
  console.time = (label?: string) => {
    if (label === undefined || !QUIET.has(label)) time.call(console, label);
  };
  console.timeEnd = (label?: string) => {
    if (label === undefined || !QUIET.has(label)) timeEnd.call(console, label);
  };
}
