import type { Codelist } from '../../codelists/load.js';

/**
 * The real codes the generator writes, each checked against the project's codelists at start-up
 * (a code that is not in the named list is an error, so a codelist update cannot silently leave
 * the generator writing codes no indicator recognises). Weights say how often each code is used.
 */
export type WeightedCodes = readonly (readonly [code: string, weight: number])[];

export const CODE_PICKS = {
  dm_cod: [
    ['44054006', 0.62], // Diabetes mellitus type 2
    ['313436004', 0.22], // Type II diabetes mellitus without complication
    ['73211009', 0.1], // Diabetes mellitus
    ['46635009', 0.06], // Diabetes mellitus type 1
  ],
  dmres_cod: [['315051004', 1]],
  hyp_cod: [
    ['59621000', 0.6], // Essential hypertension
    ['38341003', 0.3], // Hypertensive disorder, systemic arterial
    ['1201005', 0.1], // Benign essential hypertension
  ],
  hypres_cod: [['162659009', 1]],
  chd_cod: [
    ['194828000', 0.5], // Angina
    ['414545008', 0.3], // Ischemic heart disease
    ['53741008', 0.2], // Coronary arteriosclerosis
  ],
  /** MI codes that are in both mi_cod and chd_cod (an MI puts the patient on the CHD register). */
  mi_cod: [
    ['22298006', 0.4], // Myocardial infarction
    ['401303003', 0.2], // Acute ST segment elevation myocardial infarction
    ['401314000', 0.25], // Acute non-ST segment elevation myocardial infarction
    ['57054005', 0.15], // Acute myocardial infarction
  ],
  strk_cod: [
    ['230690007', 0.5], // Cerebrovascular accident
    ['422504002', 0.3], // Ischemic stroke
    ['432504007', 0.2], // Cerebral infarction
  ],
  tia_cod: [['266257000', 1]], // Transient ischemic attack
  copd_cod: [
    ['13645005', 0.75], // Chronic obstructive pulmonary disease
    ['185086009', 0.15], // Chronic obstructive bronchitis
    ['87433001', 0.1], // Pulmonary emphysema
  ],
  copdres_cod: [['941201000000103', 1]],
  copdrvw_cod: [['394703002', 1]], // COPD annual review
  sysbp_cod: [
    ['72313002', 0.6], // Systolic arterial pressure
    ['163030003', 0.4], // O/E - Systolic blood pressure reading
  ],
  diabp_cod: [
    ['1091811000000102', 0.6], // Diastolic arterial pressure
    ['163031004', 0.4], // O/E - Diastolic blood pressure reading
  ],
  chol2_cod: [
    ['994351000000103', 0.7], // Serum total cholesterol level
    ['1005671000000105', 0.3], // Serum cholesterol level
  ],
  ifcchbam_cod: [['999791000000106', 1]], // HbA1c level - IFCC standardised
  lsmok_cod: [
    ['77176002', 0.5], // Smoker
    ['65568007', 0.5], // Cigarette smoker
  ],
  exsmok_cod: [['8517006', 1]], // Ex-smoker
  flu_cod: [
    ['985151000000100', 0.85], // Administration of first inactivated seasonal influenza vaccination
    ['955691000000108', 0.15], // Seasonal influenza vaccination given by pharmacist
  ],
  fludrug_cod: [
    ['34680411000001107', 0.6], // Quadrivalent influenza vaccine (split virion, inactivated) (Sanofi)
    ['40085311000001103', 0.4], // Adjuvanted quadrivalent influenza vaccine (Seqirus)
  ],
  mmr_vaccination: [
    ['150971000119104', 0.7], // Measles, mumps and rubella vaccination given
    ['571591000119106', 0.3], // Administration of measles + mumps + rubella live vaccine
  ],
  /** Second MMR dose (pre-school booster), also in the MMR list. */
  mmr_vaccination_dose2: [['925021000006108', 1]], // Measles mumps and rubella booster vaccination
  /** MRC dyspnoea grade 3, 4 and 5 (only grades ≥ 3 are in the project's lists, so only those are written). */
  mrc_grade_3: [['391124000', 1]],
  mrc_grade_4: [['391125004', 1]],
  mrc_grade_5: [['391126003', 1]],
  stat_cod: [
    ['39733011000001106', 0.35], // Atorvastatin 20mg tablets
    ['10295411000001101', 0.3], // Simvastatin 40mg tablets
    ['39733111000001107', 0.15], // Atorvastatin 40mg tablets
    ['10295711000001107', 0.1], // Simvastatin 20mg tablets
    ['42380011000001102', 0.1], // Pravastatin 40mg tablets
  ],
  stat_cod_intensive: [['39733211000001101', 1]], // Atorvastatin 80mg tablets
  gpnet_dm_care_plan: [['GPNET-DMCP-001', 1]],
  gpnet_retinal_screening: [['GPNET-RETSCR-001', 1]],
  gpnet_pulmonary_rehab_referral: [['GPNET-PRREF-001', 1]],
  gpnet_copd_care_plan: [['GPNET-COPDCP-001', 1]],
  gpnet_cvd_care_plan: [['GPNET-CVDCP-001', 1]],
  gpnet_cardiac_rehab_attended: [['GPNET-CRATT-001', 1]],
  gpnet_post_mi_review: [['GPNET-MIREV-001', 1]],
  /** The 5-in-1 (the 6-in-1 code in the same list came after the demo years, in 2017). */
  gpnet_dtap_ipv_hib: [['GPNET-DTAPIPVHIB-001', 1]],
  gpnet_pcv: [['GPNET-PCV-001', 1]],
  gpnet_hib_menc: [['GPNET-HIBMENC-001', 1]],
} as const satisfies Record<string, WeightedCodes>;

export type CodePick = keyof typeof CODE_PICKS;

/** Which codelist each pick must belong to (picks that are subsets name their list). */
const PICK_LIST: Record<CodePick, readonly string[]> = {
  ...(Object.fromEntries(Object.keys(CODE_PICKS).map((k) => [k, [k]])) as Record<CodePick, string[]>),
  mi_cod: ['mi_cod', 'chd_cod'],
  mmr_vaccination_dose2: ['mmr_vaccination'],
  mrc_grade_3: ['mrc_grade_3_plus'],
  mrc_grade_4: ['mrc_grade_3_plus'],
  mrc_grade_5: ['mrc_grade_3_plus'],
  stat_cod_intensive: ['stat_cod'],
};

export class CodePicker {
  private constructor(private readonly picks: Record<CodePick, WeightedCodes>) {}

  /** Checks every pick against the codelists; throws naming the code and list when one is missing. */
  static fromCodelists(lists: ReadonlyMap<string, Codelist>): CodePicker {
    for (const [pick, codes] of Object.entries(CODE_PICKS) as [CodePick, WeightedCodes][]) {
      const total = codes.reduce((s, [, w]) => s + w, 0);
      if (Math.abs(total - 1) > 1e-9) throw new Error(`generator code pick ${pick}: weights sum to ${total}, not 1`);
      for (const slug of PICK_LIST[pick]) {
        const list = lists.get(slug);
        if (!list) throw new Error(`generator code pick ${pick}: codelist ${slug} is not in codelists/codelists.yaml`);
        const have = new Set(list.codes.map((c) => c.code));
        for (const [code] of codes) {
          if (!have.has(code)) throw new Error(`generator code pick ${pick}: code ${code} is not in codelist ${slug} (version ${list.version})`);
        }
      }
    }
    return new CodePicker(CODE_PICKS);
  }

  /** An SQL expression choosing one of the pick's codes by the uniform `u` (an SQL expression). */
  sql(pick: CodePick, u: string): string {
    const codes = this.picks[pick];
    if (codes.length === 1) return quote((codes[0] as readonly [string, number])[0]);
    let cum = 0;
    const arms = codes.slice(0, -1).map(([code, w]) => {
      cum += w;
      return `WHEN ${u} < ${cum} THEN ${quote(code)}`;
    });
    return `(CASE ${arms.join(' ')} ELSE ${quote((codes[codes.length - 1] as readonly [string, number])[0])} END)`;
  }

  /** Every code the generator can write. */
  allCodes(): string[] {
    return Object.values(this.picks).flatMap((c) => c.map(([code]) => code));
  }
}

function quote(code: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(code)) throw new Error(`unexpected characters in code ${code}`);
  return `'${code}'`;
}
