// Overdispersion of a funnel plot (Spiegelhalter, "Handling over-dispersion of performance
// indicators", Qual Saf Health Care 2005; and "Funnel plots for comparing institutional
// performance", Stat Med 2005, §6): with many large units, real differences between them make
// almost every unit an "outlier" of a pure chance model. The multiplicative model estimates a
// dispersion factor φ from the units' z-scores and widens the limits by √φ. Pure functions.

/** Fewer compared units than this give no estimate: 10 % winsorising then trims nothing, and one
 *  unit moves φ by a tenth or more of its own z². */
export const minimumUnitsForPhi = 10;

/** The share of z-scores at each end pulled in to the next one (Spiegelhalter's 10 % / 90 %). */
const winsorisedShare = 0.1;

/**
 * φ = (1/I) Σ zᵢ² over the winsorised z-scores: sorted, the k = ⌊0.1 · I⌋ lowest are set to the
 * (k + 1)-th lowest and the k highest to the (k + 1)-th highest (the classical count-based 10 %
 * winsorising, so no quantile interpolation is needed). Null with fewer than minimumUnitsForPhi scores.
 */
export function winsorisedPhi(zScores: number[]): number | null {
  const sorted = zScores.filter((z) => Number.isFinite(z)).sort((a, b) => a - b);
  const count = sorted.length;
  if (count < minimumUnitsForPhi) return null;
  const k = Math.floor(winsorisedShare * count);
  const low = sorted[k]!;
  const high = sorted[count - 1 - k]!;
  return sorted.reduce((sum, z) => sum + Math.min(high, Math.max(low, z)) ** 2, 0) / count;
}

export interface Overdispersion {
  /** Estimated dispersion factor; null when too few units were compared. */
  phi: number | null;
  /** The limits were widened by √φ (φ > 1). */
  used: boolean;
}

/**
 * Used when φ > 1. Under no overdispersion the winsorised φ of normal z-scores is about 0.68 (the
 * trimmed tails lower it), so φ > 1 is already a real excess; Spiegelhalter's χ² test (I · φ against
 * χ²) would only demand more.
 */
export function overdispersionOf(zScores: number[]): Overdispersion {
  const phi = winsorisedPhi(zScores);
  return { phi, used: phi !== null && phi > 1 };
}

/** A limit moved away from the target by √φ (the multiplicative model), clipped to [floor, ceiling]. */
export function widen(target: number, limit: number, phi: number, floor = 0, ceiling = Infinity): number {
  return Math.min(ceiling, Math.max(floor, target + Math.sqrt(phi) * (limit - target)));
}
