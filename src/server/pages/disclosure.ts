import { describeDisclosure, ruleText, type DisclosureRule } from '../disclosure/rule.js';
import { h, type Raw } from './html.js';
import { cell, type Cell } from './table.js';

/** How a withheld number appears: "*" in the page (with the word for screen readers), "suppressed" in CSV. */
export const SUPPRESSED_CSV = 'suppressed';

export function suppressedHtml(): Raw {
  return h`<span class="gp-suppressed" title="suppressed: small numbers">*<span class="nhsuk-u-visually-hidden"> suppressed</span></span>`;
}

/** A table cell for a withheld number; it sorts after every value. */
export function suppressedCell(): Cell {
  return cell(suppressedHtml(), SUPPRESSED_CSV, '');
}

/** The short line shown near every table of counts or values, linking to the explanation. */
export function disclosureNote(rule: DisclosureRule): Raw {
  const short =
    rule.mode === 'suppress'
      ? `Small numbers: counts from ${rule.low} to ${rule.high} are suppressed (shown as *), with further rows hidden where a total would give them away.`
      : rule.mode === 'round'
        ? `Small numbers: every count is rounded to the nearest ${rule.base}; values are worked out from the rounded counts.`
        : 'Counts are shown as recorded: no disclosure control is applied.';
  return h`<p class="nhsuk-body-s gp-disclosure" data-disclosure="${ruleText(rule)}">${short} <a href="/about/disclosure">How small numbers are protected</a>.</p>`;
}

/** The body of /about/disclosure. */
export function aboutDisclosureBody(rule: DisclosureRule): Raw {
  const current = h`<p class="nhsuk-lede-text">This server's rule: <strong>${ruleText(rule)}</strong>. ${describeDisclosure(rule)}</p>`;
  return h`<h1>How small numbers are protected</h1>
${current}
<h2 class="nhsuk-heading-m">Why</h2>
<p class="nhsuk-body">A count of one to a few patients in a practice can identify them, especially with other things known about the practice. Every number this dashboard shows or exports (pages, CSV downloads, the PDF report and the JSON API) goes through the same rule, applied once when the server loads the results.</p>
<h2 class="nhsuk-heading-m">Suppression (suppress:LOW-HIGH, the default suppress:1-7)</h2>
<p class="nhsuk-body">A practice, network or collaboration row for one indicator and month is suppressed when its numerator, its denominator or the difference between them (for a mean: the number of patients; for a rate: the events and the population) is from LOW to HIGH. Zero is shown. A suppressed row shows * (or "suppressed" in CSV files): its counts, value, confidence interval, rating, funnel-plot position and "patients needed" are withheld; charts and funnel plots leave it out and league tables list it at the end.</p>
<p class="nhsuk-body">Because a network's counts are the sums of its practices', and the collaboration's the sums of its networks', one suppressed practice could be worked out by subtracting the others from the network total. So whenever a network and its practices (or the collaboration and its networks) would have exactly one suppressed row, the smallest other practice (or network) is suppressed too, or the total itself when no other is left, until no such group has exactly one; and where the total is shown, more are suppressed until the suppressed rows together are not a small number either. London and England figures stand alone.</p>
<h2 class="nhsuk-heading-m">Rounding (round:N)</h2>
<p class="nhsuk-body">Every count is rounded to the nearest N (so 1 and 2 become 0, 3 to 7 become 5 with N = 5). Values, confidence intervals and ratings are worked out from the rounded counts, because a value worked out from the true counts would give them back. A mean's sum of measurements is not shown (with the mean, it would give the true number of patients); the mean itself is. A value is not shown when the denominator rounds to 0.</p>
<h2 class="nhsuk-heading-m">No control (none)</h2>
<p class="nhsuk-body">The numbers as stored. Only for the store owner's own use, such as <code>gpnet export results</code>.</p>`;
}
