/** Seeds a machine's restart jitter; the machines themselves stay deterministic. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2_147_483_646) + 1;
}
