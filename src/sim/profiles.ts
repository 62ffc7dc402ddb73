/**
 * Factor profiles of simulated collectors: which pollutants and parameters a wastewater or flue-gas (CEMS)
 * station reports, their normal range, emission limit and how values are shaped (docs/protocol.md §7, factors.csv).
 */

/** One simulated factor. Ranges are typical of Chinese discharge permits, not authoritative. */
export interface FactorSpec {
  /** HJ212-2017 code; 2005 collectors send the 2005 code where one exists. */
  code: string;
  /** Normal operating range the random walk stays in. */
  min: number;
  max: number;
  /** Emission limit; occasional breaches go above it. */
  limit?: number;
  decimals: number;
  /** Uploads carry a cumulative `-Cou` (flows, and loads of concentrations with a flow). */
  cou?: boolean;
  /** Flue-gas concentration also sent converted to reference O2 (`-ZsRtd`, HJ 75). */
  zs?: boolean;
}

/** Profile names accepted on the command line and in scenarios. */
export type ProfileName = 'water' | 'air';

/** ST system code per profile (HJ212-2017 table 4: 32 water pollution source, 31 air pollution source). */
export const PROFILE_ST: Readonly<Record<ProfileName, string>> = { water: '32', air: '31' };

/** O2 code whose value drives the `Zs` conversion of flue-gas concentrations. */
export const O2_CODE = 'a19001';
/** Reference O2 (%) of the conversion; 9 % is the coal-fired boiler value of GB 13271. */
export const REFERENCE_O2 = 9;

export const PROFILES: Readonly<Record<ProfileName, readonly FactorSpec[]>> = {
  water: [
    { code: 'w01018', min: 20, max: 90, limit: 100, decimals: 2, cou: true },
    { code: 'w21003', min: 0.5, max: 12, limit: 15, decimals: 3, cou: true },
    { code: 'w01001', min: 6.5, max: 8.5, limit: 9, decimals: 2 },
    { code: 'w21011', min: 0.05, max: 0.8, limit: 1, decimals: 3, cou: true },
    { code: 'w21001', min: 2, max: 18, limit: 20, decimals: 2, cou: true },
    { code: 'w00000', min: 5, max: 40, decimals: 2, cou: true },
  ],
  air: [
    { code: 'a21026', min: 10, max: 80, limit: 100, decimals: 1, zs: true, cou: true },
    { code: 'a21002', min: 30, max: 130, limit: 150, decimals: 1, zs: true, cou: true },
    { code: 'a34013', min: 2, max: 18, limit: 20, decimals: 1, zs: true, cou: true },
    { code: 'a19001', min: 6, max: 11, decimals: 2 },
    { code: 'a01011', min: 8, max: 15, decimals: 2 },
    { code: 'a01012', min: 90, max: 150, decimals: 1 },
    { code: 'a01013', min: -0.5, max: 0.5, decimals: 3 },
    { code: 'a01014', min: 4, max: 12, decimals: 2 },
    { code: 'a00000', min: 20, max: 60, decimals: 2, cou: true },
  ],
};
