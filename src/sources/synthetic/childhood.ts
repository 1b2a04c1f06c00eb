import { type GenContext, type Step, sqlDate, sqlInt, sqlNum } from './context.js';
import { CODE_PICKS } from './codes.js';
import { ATTRIBUTE_PRACTICE_JOIN } from './diagnoses.js';
import { CHILDHOOD } from './params.js';
import { TAG } from './random.js';

/**
 * Childhood doses other than MMR, on the UK schedule in force for the demo years (docs/GENERATOR.md):
 *
 * - the DTaP/IPV/Hib primary course at 8, 12 and 16 weeks: on time (a few days late at each dose),
 *   late (started after about 5 months, longer gaps: the third dose often after the first
 *   birthday), stopped after one or two doses, or never started;
 * - PCV with the first and third of those doses, for children born from July 2006;
 * - the one-year boosters, Hib/MenC and PCV, at the MMR1 visit (so the immunisation programme's
 *   MMR1 recall brings them too), PCV only before the second birthday; children with no MMR1
 *   recorded may still have them at 12–13 months.
 *
 * Every random quantity uses streams of its own (TAG.primaryCourse … TAG.boosterDelay): the MMR
 * step and everything else are unchanged, so the other indicators' results do not move. The MMR1
 * date is read from the MMR events this batch has already written.
 */
export function childhoodSteps(ctx: GenContext): Step[] {
  const { rng, codes } = ctx;
  const batch = sqlInt(ctx.batchId);
  const C = CHILDHOOD;
  const course = rng.u(TAG.primaryCourse, 'id');
  const timely = sqlNum(C.primaryTimelyShare);
  const late = sqlNum(C.primaryTimelyShare + C.primaryLateShare);
  const partial = sqlNum(C.primaryTimelyShare + C.primaryLateShare + C.primaryPartialShare);
  const delay = (k: number, mean: number): string => `floor(${rng.exp(TAG.primaryDelay, mean, 'id', String(k))})::INTEGER`;
  const gap = sqlInt(C.doseIntervalDays);
  const mmrCodes = [...CODE_PICKS.mmr_vaccination, ...CODE_PICKS.mmr_vaccination_dose2].map(([code]) => `'${code}'`).join(', ');
  const boosterDay = `floor(${rng.exp(TAG.boosterDelay, C.boosterDelayDaysMean, 'k.id')})::INTEGER`;
  return [
    {
      what: 'childhood primary course and one-year boosters',
      sql: `INSERT INTO clinical_event (patient_id, practice, date, code, value, unit, batch_id)
        WITH kids AS (
          SELECT id, birth_date,
                 CASE WHEN ${course} < ${timely} THEN 3 WHEN ${course} < ${late} THEN 3
                      WHEN ${course} < ${partial} THEN 1 + floor(${rng.u(TAG.primaryCourse, 'id', '1')} * 2)::INTEGER ELSE 0 END AS doses,
                 ${course} >= ${timely} AND ${course} < ${late} AS late
          FROM g_person WHERE birth_date >= ${sqlDate(C.bornFrom)}
        ), course AS (
          SELECT id, birth_date, doses,
                 birth_date + ${sqlInt(C.firstDoseDays)} + CASE WHEN late THEN 90 + ${delay(1, C.lateStartDelayDaysMean)} ELSE ${delay(1, C.timelyDelayDaysMean)} END AS d1,
                 ${gap} + CASE WHEN late THEN ${delay(2, C.lateIntervalDelayDaysMean)} ELSE ${delay(2, C.timelyDelayDaysMean)} END AS g2,
                 ${gap} + CASE WHEN late THEN ${delay(3, C.lateIntervalDelayDaysMean)} ELSE ${delay(3, C.timelyDelayDaysMean)} END AS g3
          FROM kids WHERE doses > 0
        ), primary_doses AS (
          SELECT id, birth_date, 1 AS dose, d1 AS d FROM course
          UNION ALL SELECT id, birth_date, 2, d1 + g2 FROM course WHERE doses >= 2
          UNION ALL SELECT id, birth_date, 3, d1 + g2 + g3 FROM course WHERE doses >= 3
        ), mmr1 AS (
          SELECT patient_id AS id, min(date) AS d FROM clinical_event
          WHERE batch_id = ${batch} AND code IN (${mmrCodes}) GROUP BY patient_id
        ), boosters AS (
          SELECT k.id, k.birth_date,
                 CASE WHEN m.d IS NOT NULL THEN m.d ELSE k.birth_date + 365 + ${boosterDay} END AS d
          FROM kids k LEFT JOIN mmr1 m ON m.id = k.id
          WHERE k.birth_date >= ${sqlDate(C.boosterBornFrom)}
            AND ${rng.u(TAG.booster, 'k.id')} < CASE WHEN m.d IS NOT NULL THEN ${sqlNum(C.boosterWithMmr1)} ELSE ${sqlNum(C.boosterWithoutMmr1)} END
        ), ev AS (
          SELECT id, d, ${codes.sql('gpnet_dtap_ipv_hib', '0')} AS code FROM primary_doses
          UNION ALL
          SELECT id, d, ${codes.sql('gpnet_pcv', '0')} FROM primary_doses
          WHERE dose IN (1, 3) AND birth_date >= ${sqlDate(C.pcvPrimaryBornFrom)}
          UNION ALL
          SELECT id, d, ${codes.sql('gpnet_hib_menc', '0')} FROM boosters WHERE ${rng.u(TAG.booster, 'id', '1')} < ${sqlNum(C.boosterEachGiven)}
          UNION ALL
          SELECT id, d, ${codes.sql('gpnet_pcv', '0')} FROM boosters
          WHERE d < (birth_date + INTERVAL 2 YEAR)::DATE AND ${rng.u(TAG.booster, 'id', '2')} < ${sqlNum(C.boosterEachGiven)}
        )
        SELECT ev.id, ar.practice, ev.d, ev.code, NULL, NULL, ${batch} FROM ev ${ATTRIBUTE_PRACTICE_JOIN}`,
    },
  ];
}
