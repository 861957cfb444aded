"""The demo data set: a fictional but plausible picture of Phan Thiết's 2016 and 2017 reviews.

It represents the households a city of 18 wards and communes would hold after the first two
periodic reviews under Decision 59/2015/QĐ-TTg (Circular 17/2016/TT-BLĐTBXH Art. 4): poor
(N1 and N2), near-poor and average-living households with their rosters, and the usual
movements between the 2016 and 2017 rounds — escapes, falls into poverty, relapses ("tái
nghèo"), households newly found in 2017 ("phát sinh") and a few not reassessed. Every name,
ID number and card number is invented.

The statuses are never written here: the generator picks incomes and survey indicators, and
`households.services.assessment_save` classifies them with the one engine
(`households.classification.classify`), exactly as for an officer's survey. The generator
uses the same engine beforehand only to check that its choices reach the intended category.

Deterministic (one `random.Random(seed)` per concern, fixed dates, no iteration over sets)
and idempotent (existing users and rounds are reused; households are created only when no
demo household exists yet).

A Django app of its own (issue 13), so the core app `households` holds no demo code: `data`
holds the constant lists, `people` and `plan` decide everything in memory, `write` stores it
through the services (`seed_demo`), `synthetic` writes the large measuring sets in bulk
(`generate_synthetic`), and `management/commands` holds both commands. Nothing is imported
here: the app registry loads this package before the models are ready.
"""
