"""A survey's results: the IKM of its responses, the sample check, the CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from sinergi.voice import ikm
from sinergi.voice.models import Survey, SurveyResponse


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    respondents: int
    required_sample: int | None  # None when the population is not known
    result: ikm.IkmResult | None  # None without responses

    @property
    def sample_short(self) -> bool:
        return self.required_sample is not None and self.respondents < self.required_sample

    def as_dict(self) -> dict[str, object]:
        r = self.result
        return {
            "id": self.survey.pk,
            "agency": self.survey.agency.code,
            "period_start": self.survey.period_start,
            "period_end": self.survey.period_end,
            "population": self.survey.population,
            "respondents": self.respondents,
            "required_sample": self.required_sample,
            "sample_short": self.sample_short,
            "weighting": weighting().value,
            "ikm": str(r.ikm) if r else None,
            "grade": r.grade.letter if r else None,
            "grade_label": gettext(r.grade.label) if r else None,
            "elements": [
                {
                    "code": e.element.code,
                    "name": gettext(e.element.name),
                    "answered": e.answered,
                    "nrr": str(e.nrr_rounded),
                    "converted": str(e.converted),
                    "grade": e.grade.letter,
                }
                for e in (r.elements if r else ())
            ],
        }


def weighting() -> ikm.Weighting:
    return ikm.Weighting(settings.SINERGI_VOICE["IKM_WEIGHTING"])


def survey_results(survey: Survey) -> SurveyResults:
    answers = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    result = ikm.compute(answers, weighting=weighting()) if answers else None
    required = ikm.krejcie_morgan_sample(survey.population) if survey.population else None
    return SurveyResults(survey, len(answers), required, result)


def responses_csv(survey: Survey) -> str:
    """One row per response (U1..U9 only: nothing that could identify a respondent), then
    the NRR row and the IKM row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    codes = [e.code for e in ikm.ELEMENTS]
    writer.writerow(["no", *codes])
    rows = SurveyResponse.objects.filter(survey=survey).order_by("id")
    for n, response in enumerate(rows, start=1):
        writer.writerow([n, *(response.answers.get(c, "") for c in codes)])
    results = survey_results(survey)
    if results.result is not None:
        writer.writerow(["NRR", *(e.nrr_rounded for e in results.result.elements)])
        writer.writerow(["IKM", results.result.ikm, results.result.grade.letter])
    return out.getvalue()
