/**
 * Every parameter of the synthetic population model, in one place (docs/GENERATOR.md explains
 * them). Probabilities are per person or per opportunity; programme effects are the change in a
 * patient-level behaviour (being invited, attending, the clinician recording, treatment) between
 * before a network's programme start and after its effect has ramped up. Nothing here is an
 * indicator value: indicator values emerge from these behaviours. The behaviours were tuned until the
 * default scenario (300,000 patients, seed 1) reproduces Table 1 of the review as published, at the
 * published dates (test/acceptance/table1.test.ts, docs/GENERATOR.md): the demo is calibrated to
 * those values, so it demonstrates the pipeline and is no evidence of the effects.
 */

/**
 * First day of the monthly history, and the first day after it (the extract date is the day before).
 * The studies' earliest window (CVD: CHD BP and cholesterol, MI mortality) starts in 2004.
 */
export const HISTORY_START = '2004-01-01';
/**
 * The population is sampled (alive and registered) on this day, a year before HISTORY_START, so
 * that joiners, leavers and deaths — and so every 12-month window that counts them, such as MI
 * deaths — are real from the first measured month.
 */
export const POPULATION_START = '2003-01-01';
export const HISTORY_END = '2014-01-01';
/** The first and last months measured by `gpnet demo` (YYYY-MM): the whole history. */
export const HISTORY_FIRST_MONTH = HISTORY_START.slice(0, 7);
export const HISTORY_LAST_MONTH = new Date(Date.parse(`${HISTORY_END}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 7);
/** Routine care (reviews, tests, issues) is generated from here, so the first months' 15-month windows are full. */
export const CARE_START = '2002-07-01';

export const POPULATION = {
  /** Share of all generated patients already registered on POPULATION_START (the rest join later). */
  stockShare: 0.52,
  /** Share of later joiners who are newborns registered from birth (the rest move in). */
  newbornShare: 0.2,
  /** Years registered before POPULATION_START for the stock (exponential mean). */
  priorYearsMean: 7,
  /** Annual hazard of leaving the practice (moving away), by age at entry: [max age exclusive, hazard]. */
  leaveHazard: [
    [5, 0.09],
    [18, 0.06],
    [25, 0.14],
    [35, 0.15],
    [50, 0.08],
    [65, 0.05],
    [200, 0.035],
  ] as const,
  /** Share of leavers who re-register at another practice of the collaboration (a transfer). */
  transferShare: 0.25,
  /** Largest gap in days between leaving one practice and joining the next. */
  transferMaxGapDays: 30,
  /** Gompertz mortality: annual hazard a·exp(b·age), a multiplier for conditions present at entry. */
  gompertzA: Math.exp(-10.4),
  gompertzB: 0.094,
  mortalityMultiplier: { copd: 1.0, chd: 0.6, stroke: 0.8, dm: 0.4 },
  /**
   * Share of all generated patients registered on a mid-period day (1 January 2010; the list grows
   * from about 0.52 N in 2003 to 0.55 N in 2013): organisation.list_size_reference is scaled by it.
   */
  listFraction: 0.535,
  /** IMD decile distribution (1 = most deprived), Tower Hamlets-like. */
  imdDeciles: [0.42, 0.3, 0.14, 0.07, 0.04, 0.015, 0.01, 0.005, 0.0, 0.0],
} as const;

/** Latent condition model: present with probability pmax (× sex/cardiometabolic multipliers); onset age ~ logistic(a50, s) truncated below amin. */
export interface ConditionParams {
  pmax: number;
  a50: number;
  s: number;
  amin: number;
  maleMultiplier: number;
  /** Weight of the shared cardiometabolic factor (log scale). */
  cardiometabolic: number;
}

export const CONDITIONS = {
  dm: { pmax: 0.3, a50: 60, s: 10, amin: 25, maleMultiplier: 1.15, cardiometabolic: 0.5 },
  hyp: { pmax: 0.68, a50: 60, s: 10, amin: 25, maleMultiplier: 1.05, cardiometabolic: 0.4 },
  chd: { pmax: 0.23, a50: 70, s: 8, amin: 35, maleMultiplier: 1.5, cardiometabolic: 0.5 },
  stroke: { pmax: 0.22, a50: 75, s: 8, amin: 40, maleMultiplier: 1.1, cardiometabolic: 0.4 },
  copd: { pmax: 0.24, a50: 68, s: 8, amin: 40, maleMultiplier: 1.3, cardiometabolic: 0 },
} as const satisfies Record<string, ConditionParams>;

export const CONDITION_DETAIL = {
  /**
   * Share of CHD whose first presentation is a myocardial infarction (coded from mi_cod, and an
   * emergency admission): `before` for onsets up to POPULATION_START, then falling linearly to
   * `end` at HISTORY_END — MI incidence fell through the 2000s, which keeps new MIs about level
   * while the population ages.
   */
  chdMiShare: { before: 0.45, end: 0.3 },
  /** Share of stroke/TIA that are TIAs. */
  tiaShare: 0.3,
  /** Years from onset to a recorded diagnosis (exponential mean) for DM and hypertension. */
  dmDiagnosisDelayMean: 0.5,
  hypDiagnosisDelayMean: 1.0,
  /** COPD: annual hazard of being diagnosed in usual care after onset (many stay undiagnosed for years). */
  copdDiagnosisHazard: 0.15,
  /** COPD case finding after the programme starts: share of undiagnosed patients found, and mean years to find them. */
  copdCaseFindShare: 0.15,
  copdCaseFindYearsMean: 0.9,
  /** Share of registers later ended by a resolved code (hypertension, diabetes, COPD). */
  resolvedShare: { hyp: 0.03, dm: 0.01, copd: 0.01 },
  /** Smoking (latest status): COPD patients; other adults by sex (current, ex). */
  copdCurrentSmoker: 0.39,
  copdExSmoker: 0.58,
  adultSmoking: { M: [0.3, 0.18], F: [0.14, 0.1] },
} as const;

/** A patient-level behaviour before a programme starts (pre) and once its effect is full (post). */
export interface Effect {
  pre: number;
  post: number;
}

export interface ProgrammeWindow {
  /** The first network starts on `from`, the last on `to`; the others evenly between. */
  from: string;
  to: string;
  /** Days over which a network's effect ramps from pre to post. */
  rampDays: number;
}

/** Programme start windows, as the studies report them (phased by network). */
export const PROGRAMMES = {
  mmr: { from: '2009-09-01', to: '2010-01-01', rampDays: 60 },
  dm: { from: '2009-10-01', to: '2010-04-01', rampDays: 270 },
  copd: { from: '2010-04-01', to: '2010-06-01', rampDays: 270 },
  cvd: { from: '2008-01-01', to: '2010-04-01', rampDays: 365 },
} as const satisfies Record<string, ProgrammeWindow>;

/** Practice-level variation: sd of a practice's effect on the logit of each care probability. */
export const PRACTICE_VARIATION_SD = 0.35;

export const IMMUNISATION = {
  /** Natural course: MMR1 at 12–13 months (timely), late (after 2nd birthday), or never. */
  timelyShare: 0.8,
  lateShare: 0.13,
  timelyDelayDaysMean: 35,
  lateDelayDaysMean: 300,
  /** Programme call/recall of children over 13 months with no MMR1: share who respond, mean days to the appointment. */
  recall: { pre: 0, post: 0.75 } satisfies Effect,
  recallDaysMean: 40,
  /** MMR2 at 3 years 4 months. */
  secondDoseShare: 0.85,
} as const;

/**
 * The other childhood doses, on the UK schedule in force for the demo years (from September 2006):
 * DTaP/IPV/Hib (the 5-in-1) at 8, 12 and 16 weeks, PCV with the first and third (8 and 16 weeks),
 * and the one-year boosters — Hib/MenC and PCV — at the MMR1 visit. MenC primaries, rotavirus
 * (from July 2013) and everything later (MenB, the 6-in-1) are not generated.
 */
export const CHILDHOOD = {
  /** Children born from this date get the course (older ones' records hold no vaccinations; see docs/GENERATOR.md). */
  bornFrom: '2000-01-01',
  /** Primary course: on time, late (started after about 5 months), stopped after one or two doses; the rest never start. */
  primaryTimelyShare: 0.9,
  primaryLateShare: 0.05,
  primaryPartialShare: 0.02,
  /** Days from birth to the first dose and between doses (8, 12, 16 weeks), and mean extra delays (exponential). */
  firstDoseDays: 56,
  doseIntervalDays: 28,
  timelyDelayDaysMean: 8,
  lateStartDelayDaysMean: 120,
  lateIntervalDelayDaysMean: 30,
  /** PCV primaries (8 and 16 weeks) for children born from here: the programme started on 4 September 2006. */
  pcvPrimaryBornFrom: '2006-07-04',
  /** One-year boosters (Hib/MenC, PCV) for children who reached 12 months from 4 September 2006. */
  boosterBornFrom: '2005-09-04',
  /** Boosters at the MMR1 visit (PCV only before the 2nd birthday, as the schedule allows): share of visits that give them. */
  boosterWithMmr1: 0.96,
  /** Children with no MMR1 recorded: share who still have a booster visit at 12–13 months (MMR-only hesitancy). */
  boosterWithoutMmr1: 0.45,
  /** At a booster visit, each of the two vaccines is given (independently) with this probability. */
  boosterEachGiven: 0.985,
  boosterDelayDaysMean: 35,
} as const;

export const DIABETES = {
  /** 6-monthly diabetes reviews: attendance. */
  attend: { pre: 0.74, post: 0.9 } satisfies Effect,
  /** At an attended review: care plan agreed and recorded. */
  carePlan: { pre: 0.065, post: 0.78 } satisfies Effect,
  /** Recording at an attended review: HbA1c, BP, cholesterol. */
  hba1cRecorded: 0.92,
  bpRecorded: 0.95,
  cholRecorded: 0.9,
  /** Annual retinal screening attendance. */
  retinal: { pre: 0.7, post: 0.83 } satisfies Effect,
  /** Treatment intensification once the programme starts: share of the register, at a day spread over this many days. */
  intensifiedShare: 0.5,
  intensifyOverDays: 540,
  /** Latent values (mean, between-patient sd), reading noise sd, and the effect of intensification. */
  systolic: { mean: 132, sd: 12, noise: 8, treated: -7 },
  diastolic: { mean: 74, sd: 7, noise: 5, treated: -4 },
  cholesterol: { mean: 3.85, sd: 0.75, noise: 0.3, treated: -0.42 },
  hba1cLogMean: Math.log(60.2),
  hba1cLogSd: 0.22,
  hba1cNoise: 4,
  hba1cTreated: -3.2,
} as const;

export const COPD = {
  /** Annual review attendance (reviews about 50 weeks apart). */
  review: { pre: 0.55, post: 0.9 } satisfies Effect,
  /** Share of COPD patients whose MRC grade is 3 or worse; recorded at reviews. */
  mrc3Plus: 0.38,
  mrcRecorded: 0.9,
  /** Referral to pulmonary rehabilitation at a review recording MRC ≥ 3. */
  prReferral: { pre: 0.42, post: 0.715 } satisfies Effect,
  carePlan: { pre: 0.15, post: 0.7 } satisfies Effect,
  smokingRecordedAtReview: 0.9,
  /** Emergency admissions (J44) per diagnosed patient-year. */
  admissionsPerYear: 0.25,
} as const;

export const CVD = {
  review: { pre: 0.75, post: 0.9 } satisfies Effect,
  /**
   * Share of review slots (attended or not) that end with an agreed CVD care plan. Calibrated to
   * the published values at the published dates (42.7% in the year to March 2011, 61.6% in the
   * year to March 2012): flat until carePlanFrom, then rising over carePlanRampDays, for every
   * network alike. At an attended review the plan is recorded with probability share / attendance.
   */
  carePlanShare: { pre: 0.42, post: 0.61 } satisfies Effect,
  carePlanFrom: '2011-04-01',
  carePlanRampDays: 30,
  /** Statin use among CVD patients; the programme starts statins in non-users. */
  statin: { pre: 0.8, post: 0.88 } satisfies Effect,
  /**
   * After an MI admission: a post-MI review on the discharge day or within 21 days after it (the
   * rest are reviewed later with probability lateReview, 22–81 days after discharge), and
   * attendance at cardiac rehabilitation (which fell in the studies).
   */
  postMiReview: { pre: 0.645, post: 0.68 } satisfies Effect,
  lateReview: 0.5,
  cardiacRehab: { pre: 0.32, post: 0.265 } satisfies Effect,
  /** Treatment intensification once the programme starts: share of CVD patients, at a day spread over this many days; effect on later readings. */
  intensifiedShare: 0.4,
  intensifyOverDays: 540,
  treated: { systolic: -6, diastolic: -3, cholesterol: -0.35 },
  /** Statin use in diabetes (age ≥ 40), hypertension, and others aged ≥ 60 (primary prevention). */
  statinDm: 0.62,
  statinHyp: 0.3,
  statinOther60: 0.08,
  /** Days between statin issues (28-day repeats). */
  statinIssueDays: 28,
} as const;

/**
 * Myocardial infarction: every CHD presentation coded as an MI is an emergency admission (I21.9).
 * A share of them die 1–29 days after admission (30-day case fatality), in hospital when the death
 * comes before the planned discharge (then discharged = the death date).
 */
export const MI = {
  /** 30-day case fatality without any programme: falls linearly from POPULATION_START to HISTORY_END. */
  caseFatality: { start: 0.15, end: 0.115 },
  /** The CVD programme multiplies case fatality (secondary prevention, faster treatment), ramping over fatalityRampDays from the network's start. */
  programmeFatality: { pre: 1, post: 0.5 } satisfies Effect,
  fatalityRampDays: 365,
  /** Length of stay of survivors: at least stayDaysMin, plus an exponential with this mean. */
  stayDaysMin: 2,
  stayDaysMean: 6,
} as const;

export const FLU = {
  /** Regular acceptors are vaccinated nearly every season; the others rarely. */
  regularShare: 0.87,
  regularUptake: 0.97,
  otherUptake: 0.15,
  /** Also issued as a dm+d product (medication_issue) for this share of vaccinations. */
  drugIssueShare: 0.5,
} as const;

export const HYPERTENSION = {
  /** 6-monthly BP checks for the hypertension register. */
  attend: 0.75,
  systolic: { mean: 142, sd: 13, noise: 9 },
  diastolic: { mean: 84, sd: 8, noise: 6 },
} as const;

/** Recording during face-to-face consultations with adults not on the diabetes or CVD registers. */
export const OPPORTUNISTIC = {
  bpShare: 0.3,
  smokingShare: 0.08,
} as const;

export const GENERAL = {
  /** Routine BP checks of other adults, every ~3 years. */
  bpEveryDays: 1095,
  bpAttend: 0.55,
  /** Smoking status recorded at registration, and every ~3 years. */
  smokingAtRegistration: 0.75,
  smokingEveryDays: 1095,
  smokingCheck: 0.5,
} as const;

export const CONSULTATIONS = {
  /**
   * Recorded contacts per patient-year by age band [max age exclusive, female, male]: every
   * contact with any clinician (GP, nurse, healthcare assistant), in any mode.
   */
  ratePerYear: [
    [5, 11, 11],
    [15, 5, 5],
    [25, 10, 5.3],
    [45, 11.2, 6.4],
    [65, 13.3, 10.6],
    [75, 18, 17],
    [200, 24, 22],
  ] as const,
  /** Multiplier for patients with any long-term condition. */
  chronicMultiplier: 1.5,
  /** Share of contacts with the patient's usual GP, before and after scaling up (continuity falls). */
  usualGp: { pre: 0.58, post: 0.48 } satisfies Effect,
  /** Share with a practice nurse. */
  nurse: 0.25,
  /** When continuity starts to fall, and over how many days. */
  continuityChangeFrom: '2009-10-01',
  continuityChangeDays: 1095,
  /** Share of GP posts whose holder changes during the history (staff turnover). */
  gpTurnover: 0.35,
  /** Telephone share rises linearly from 2004 to 2013; home visits for the oldest. */
  telephoneShare: { from: 0.08, to: 0.22 },
  homeVisitOver85: 0.12,
  onlineFrom2011: 0.01,
} as const;
