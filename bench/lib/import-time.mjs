// Times, in this fresh process, `await import(...)` of each URL or bare specifier given, in order, and
// prints `BENCH_RESULT {"ms": …}`. Process start-up (and a loader such as tsx) is not counted.
const targets = process.argv.slice(2);
const t0 = performance.now();
for (const target of targets) await import(target);
const ms = performance.now() - t0;
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ ms })}\n`);
process.exit(0);
