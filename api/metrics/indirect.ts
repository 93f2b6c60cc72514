// SQL for indirect age–sex standardisation, the expected counts of the comparison funnel for rates
// (issue 12; Spiegelhalter 2005, funnel plots of standardised ratios). For each target (row label)
// and period: expected = Σ over strata of its person-years in the stratum × the stratum's rate in the
// whole comparison set (every target of the query), so SMR = observed ÷ expected is 1 for a
// municipality that has the set's age–sex-specific rates whatever its age structure. No standard
// population is needed. Strata: sex × the 5-year age groups of direct standardisation (age_group in
// population.sql: 0–4 … 85–89, 90+); sparse strata do no harm here, as each rate is pooled over the set.
// Protected answers have only the broad bands of their base cells (0–66, 67–79, 80+): sex × band.
// Appended to the CTEs of query-sql.ts, whose `target`, `bucket` and `fact` it reads; the targets
// must not share a key (compare expands collaborations into distinct members), or a key's events
// and person-years would count twice in the set's rates.

/** How the strata are formed: from population.sql's person_years rows (alias p) and from `fact` rows. */
export interface IndirectStrata {
  exposure: string;
  events: string;
}
export const exactStrata: IndirectStrata = { exposure: 'age_group(p.age)', events: 'age_group(age)' };
/** Protected facts carry their base cell's band as `stratum` (protected-facts.ts). */
export const protectedStrata: IndirectStrata = { exposure: `standard_stratum('broad', p.age)`, events: 'stratum' };

export const indirectCtes = (strata: IndirectStrata): string[] => [
  `indirect_exposure AS (SELECT t.label, b.period, p.sex, ${strata.exposure} AS age_group, sum(p.person_years) AS person_years
     FROM person_years($first_month::DATE, $last_month::DATE) p
     JOIN target t ON t.key = p.municipality_code
     JOIN bucket b ON b.month = p.month
     WHERE p.age BETWEEN $age_low AND $age_high AND ($sex = 'all' OR p.sex = $sex)
     GROUP BY ALL)`,
  `indirect_events AS (SELECT label, period, sex, ${strata.events} AS age_group, sum(numerator) AS events FROM fact GROUP BY ALL)`,
  // The set's rate per stratum, from the strata where someone lived: events of residents missing
  // from the population have no person-years to be expected from.
  `indirect_rate AS (SELECT x.period, x.sex, x.age_group, sum(coalesce(v.events, 0)) / sum(x.person_years) AS rate
     FROM indirect_exposure x
     LEFT JOIN indirect_events v ON v.label = x.label AND v.period = x.period AND v.sex = x.sex AND v.age_group = x.age_group
     WHERE x.person_years > 0
     GROUP BY ALL)`,
  `indirect_expected AS (SELECT x.label, x.period, sum(x.person_years * r.rate) AS expected
     FROM indirect_exposure x
     JOIN indirect_rate r ON r.period = x.period AND r.sex = x.sex AND r.age_group = x.age_group
     GROUP BY ALL)`,
];

/** The expected-count column of the final SELECT and the join that feeds it (grid alias g). */
export const indirectColumn = 'ie.expected';
export const indirectJoin = 'LEFT JOIN indirect_expected ie ON ie.label = g.label AND ie.period = g.period';
