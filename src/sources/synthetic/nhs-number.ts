/**
 * NHS numbers for synthetic patients, from the range NHS England reserves for testing
 * (999 000 0000 – 999 999 9999) with a valid modulus 11 check digit. Such numbers can never be
 * issued to a real person. The range holds 1,000,000 nine-digit stems of which about 10/11 have a
 * valid check digit, so at most TEST_RANGE_CAPACITY patients get one; beyond that the number is
 * left null (the store allows it, as real extracts have patients without a traced number).
 */

export const TEST_RANGE_FIRST_STEM = 999_000_000;
export const TEST_RANGE_STEMS = 1_000_000;

/** The modulus 11 check digit of a 9-digit stem, or null when the stem cannot be used (remainder 1). */
export function nhsCheckDigit(stem: string): number | null {
  if (!/^\d{9}$/.test(stem)) throw new Error(`NHS number stem must be 9 digits: ${stem}`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(stem[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function isValidNhsNumber(n: string): boolean {
  if (!/^\d{10}$/.test(n)) return false;
  const c = nhsCheckDigit(n.slice(0, 9));
  return c !== null && c === Number(n[9]);
}

export function isTestRangeNhsNumber(n: string): boolean {
  return isValidNhsNumber(n) && n.startsWith('999');
}

/**
 * SQL for a table (k, nhs_number): the valid test-range numbers, numbered 1… in an order shuffled
 * by the seed (so patient ids and NHS numbers are not in step).
 */
export function nhsNumberTableSql(seedLiteral: string): string {
  const digit = (i: number): string => `((stem // ${10 ** (8 - i)}) % 10)`;
  const weighted = Array.from({ length: 9 }, (_, i) => `${digit(i)} * ${10 - i}`).join(' + ');
  return `
SELECT row_number() OVER (ORDER BY hash(stem, ${seedLiteral}, 7777), stem) AS k,
       stem::VARCHAR || (CASE WHEN chk = 11 THEN 0 ELSE chk END)::VARCHAR AS nhs_number
FROM (
  SELECT stem, 11 - ((${weighted}) % 11) AS chk
  FROM range(${TEST_RANGE_FIRST_STEM}, ${TEST_RANGE_FIRST_STEM + TEST_RANGE_STEMS}) t(stem)
)
WHERE chk <> 10`;
}
