"""The sample organisation report (docs/samples/sample-statistics-report.pdf).

``python -m benchmarks.stats_sample OUT.pdf``: three fictional advocates' vaults, made of
synthetic case facts (dates and categories only; there are no people in them), exported,
combined and suppressed exactly as ``imsa stats combine`` does.
"""

import random
import sys
from datetime import date, timedelta
from pathlib import Path

from imsa_desktop.domain import stats as st
from imsa_desktop.services import stats as S

P = st.Period(date(2025, 1, 1), date(2025, 12, 31))
TODAY = date(2026, 1, 15)
rng = random.Random(16)
exports = []
for v in range(3):
    facts = []
    for _i in range(rng.randrange(90, 140)):
        created = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
        ref = created + timedelta(days=rng.randrange(0, 30))
        route = "duty_to_notify" if rng.random() < 0.08 else "nrm"
        decisions = []
        if route == "nrm" and rng.random() < 0.85:
            rg_on = ref + timedelta(days=rng.choice([3, 4, 5, 6, 9, 14, 25, 40, 70, 120, 200]))
            pos = rng.random() < 0.55
            decisions.append(st.DecisionFact("reasonable_grounds", "positive" if pos else "negative", rg_on))
            if not pos and rng.random() < 0.5:
                decisions.append(
                    st.DecisionFact(
                        "reconsideration",
                        "positive" if rng.random() < 0.72 else "negative",
                        rg_on + timedelta(days=rng.randrange(40, 150)),
                    )
                )
                pos = decisions[-1].outcome == "positive"
            if pos and rng.random() < 0.4:
                decisions.append(
                    st.DecisionFact(
                        "conclusive_grounds",
                        "positive" if rng.random() < 0.8 else "negative",
                        rg_on + timedelta(days=rng.randrange(90, 700)),
                    )
                )
        closed = created + timedelta(days=rng.randrange(100, 800)) if rng.random() < 0.3 else None
        facts.append(
            st.CaseFacts(
                jurisdiction=rng.choice(["england-wales"] * 8 + ["scotland", "northern-ireland"]),
                status="closed" if closed else ("lost_contact" if rng.random() < 0.1 else "open"),
                created_on=created,
                closed_on=closed,
                referral_date=ref,
                route=route,
                adult_at_exploitation=rng.random() < 0.6,
                exploitation_types=(rng.choice(st.EXPLOITATION_KEYS),),
                nationality_group=rng.choice(list(st.NATIONALITY_GROUPS)),
                re_referral_count=rng.choice([0] * 8 + [1, 2]),
                decisions=tuple(decisions),
                rg_target_due=ref + timedelta(days=7),
                deadlines=tuple(
                    st.DeadlineFact(
                        d.on + timedelta(days=30),
                        rng.random() < 0.85,
                        d.on + timedelta(days=rng.randrange(5, 40)),
                    )
                    for d in decisions
                    if d.outcome == "negative" and d.on
                ),
                letters=tuple(
                    st.LetterFact("reconsideration", d.on + timedelta(days=20), rng.random() < 0.7)
                    for d in decisions
                    if d.outcome == "negative" and d.on
                ),
            )
        )
    counts = st.count(facts, P, st.Filters(), TODAY)
    exports.append(st.Export(S.app_version(), f"vault-fictional{v}", TODAY, counts))
report = S.make_report(st.combine(exports), 5)
out = Path(sys.argv[1] if len(sys.argv) > 1 else "sample-statistics-report.pdf")
out.write_bytes(S.report_bytes(report, out.suffix.lower() or ".pdf"))
