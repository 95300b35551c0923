"""The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json). A test validates
every answer of the API against it, so the document and the code cannot drift apart."""

from __future__ import annotations

from copy import deepcopy

from portal.api.http import LICENCE
from portal.pact.metrics import HINTS as PACT_HINTS

UNITS = ("Shares (estimates, interval ends, `share_*`) are fractions from 0 to 1: 0.255 means "
         "25.5%. Differences are fractions too (0.032 is 3.2 percentage points); ratios are plain "
         "numbers (6.0 means 6 to 1). Figures are unrounded; `?format=csv` writes shares as per "
         "cent rounded to one decimal place, as the pages print them.")
DISCLOSURE = ("Disclosure control as in the published reports: a figure whose unweighted base is "
              "below 30 has `flag` `suppressed` and its estimate and interval are null (never "
              "the number), as is the smallest other neighbourhood's where the authority minus "
              "the published neighbourhoods would give it; below 100 it is flagged `low_base` "
              "(treat with caution).")


def _nullable(kind: str) -> dict:
    return {"type": [kind, "null"]}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
FLAG = {"type": ["string", "null"], "enum": ["low_base", "suppressed", None]}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}
AREA = _obj({"slug": _nullable("string"), "name": {"type": "string"}})

SCHEMAS = {
    "CaseReviewYear": _obj({key: {"type": "integer", "minimum": 0} for key in (
        "year", "applications", "threshold_not_met", "reviews_carried_out",
        "reviews_with_recommendations")}),
    "Meta": _obj({
        "publisher": {"type": "string", "description": "The partnership that publishes the data."},
        "licence": _obj({"name": {"type": "string"}, "url": URL}),
        "method_note": URL, "documentation": URL, "units": {"type": "string"},
        "disclosure": {"type": "string"},
    }),
    "Error": _obj({"error": _obj({
        "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
        "valid": {"type": "array", "items": {"type": "string"}},
    }, ["status", "code", "message"])}),
    "Neighbourhood": _obj({
        "slug": {"type": "string"}, "name": {"type": "string"},
        "population": {"type": ["integer", "null"], "minimum": 0,
                       "description": "Residents aged 16 and over (the weighting population)."},
        "links": {"type": "object", "additionalProperties": URL},
    }),
    "Wave": _obj({
        "slug": {"type": "string"}, "label": {"type": "string"},
        "status": {"enum": ["upcoming", "in_field", "closed"]},
        "fieldwork": _obj({"opens_on": DATE, "closes_on": DATE}),
        "achieved_sample": {"type": "integer", "minimum": 0},
        "questionnaire": {"oneOf": [_obj({"slug": {"type": "string"},
                                          "version": {"type": "integer"}}), {"type": "null"}]},
        "links": {"type": "object", "additionalProperties": URL,
                  "description": "Results links, for closed waves with responses only."},
    }),
    "Indicator": _obj({
        "indicator": {"type": "string"}, "label": {"type": "string"}, "estimate": SHARE,
        "ci_lower": SHARE, "ci_upper": SHARE,
        "base": {"type": "integer", "minimum": 0, "description": "Unweighted base."},
        "flag": FLAG,
        "model_based": {"oneOf": [_obj({
            "estimate": SHARE, "ci_lower": SHARE, "ci_upper": SHARE,
            "rmse": {"type": "number", "minimum": 0,
                     "description": "Root mean squared error of the model-based estimate."},
            "method": {"type": "string"},
            "covariates": {"type": "array", "items": {"type": "string"}},
        }), {"type": "null"}], "description": (
            "The model-based estimate (a Fay-Herriot small-area model, benchmarked to the "
            "authority) by neighbourhood: for NI 21, and for any other indicator once an "
            "analyst has chosen its model's covariates for the wave (`covariates` lists those "
            "used); null where no model is fitted, and for the authority. Shown instead of the "
            "direct figure where that one's base is small or its coefficient of variation is "
            "over 20%.")},
    }),
    "Gap": _obj({
        "crime": {"type": "string"}, "label": {"type": "string"},
        "worried": SHARE, "worried_ci_lower": SHARE, "worried_ci_upper": SHARE,
        "worried_base": {"type": "integer", "minimum": 0},
        "victim": SHARE, "victim_ci_lower": SHARE, "victim_ci_upper": SHARE,
        "victim_base": {"type": "integer", "minimum": 0},
        "difference": _nullable("number"), "difference_ci_lower": _nullable("number"),
        "difference_ci_upper": _nullable("number"),
        "ratio": _nullable("number"), "ratio_ci_lower": _nullable("number"),
        "ratio_ci_upper": _nullable("number"), "flag": FLAG,
    }),
    "Pact": _obj({
        "neighbourhood": _obj({"slug": {"type": "string"}, "name": {"type": "string"}}),
        "next_meeting": {"oneOf": [_obj({"starts_at": {"type": "string", "format": "date-time"},
                                         "venue": {"type": "string"}}), {"type": "null"}]},
        "priorities": {"type": "array", "items": _obj({
            "title": {"type": "string"}, "description": _nullable("string"),
            "agreed_on": {"type": ["string", "null"], "format": "date"},
            "led_by": _nullable("string"), "review_on": {"type": ["string", "null"]},
            "latest_update": {"oneOf": [_obj({"on": DATE, "text": {"type": "string"}}),
                                        {"type": "null"}]},
        })},
        "you_said_we_did": {"type": "array", "items": _obj({
            "kind": {"enum": ["priority", "issue"]}, "you_said": {"type": "string"},
            "we_did": {"type": "string"}, "on": {"type": ["string", "null"]},
            "reference": _nullable("string"),
        })},
        "pledge": _obj({
            "period_start": DATE, "period_end": DATE,
            "raised": {"type": "integer"}, "closed": {"type": "integer"},
            "share_dealt_with_locally": SHARE,
            "share_first_response_within_24h": {
                **SHARE, "description": PACT_HINTS["first_response_within_24h"]},
            "first_response_base": {"type": "integer", "description": (
                "Issues raised in the period and at least 24 hours old at its end: the base of "
                "`share_first_response_within_24h`.")},
            "median_days_to_close": _nullable("number"), "open_issues": {"type": "integer"},
        }),
    }),
}


def _envelope(data: dict) -> dict:
    return _obj({"meta": _ref("Meta"), "data": data})


def _list(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _area_list(key: str, name: str) -> dict:
    return _obj({"wave": {"type": "string"}, "area": AREA, key: _list(name)})


PARAMETERS = {
    "format": {"name": "format", "in": "query", "required": False,
               "description": "`json` (the default) or `csv`.",
               "schema": {"enum": ["json", "csv"]}},
    "neighbourhood": {"name": "neighbourhood", "in": "query", "required": False,
                      "description": "A neighbourhood slug; without it, the whole authority.",
                      "schema": {"type": "string"}},
    "wave": {"name": "wave", "in": "path", "required": True,
             "description": "A wave slug from /api/v1/waves (fieldwork closed).",
             "schema": {"type": "string"}},
    "slug": {"name": "slug", "in": "path", "required": True,
             "description": "A neighbourhood slug from /api/v1/neighbourhoods.",
             "schema": {"type": "string"}},
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "400": _error("A query parameter is unknown, repeated, empty or has a bad value."),
    "429": _error("Too many requests from this address; see Retry-After."),
}


def _operation(summary: str, schema: dict, params: list[str], extra: dict | None = None,
               csv: bool = True) -> dict:
    content = {"application/json": {"schema": _envelope(schema)}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    responses = {"200": {"description": "OK", "content": content},
                 "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
                 **ERRORS, **(extra or {})}
    return {"get": {"summary": summary, "parameters": [PARAMETERS[p] for p in params],
                    "responses": responses}}


NOT_FOUND = _error("Unknown wave or neighbourhood; `valid` lists the choices.")
NO_RESULTS = _error("The wave is still in the field, or has no results that can be weighted.")


def document() -> dict:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    paths = {
        "/api/v1/neighbourhoods": _operation(
            "Neighbourhoods with their adult population", _list("Neighbourhood"), ["format"]),
        "/api/v1/waves": _operation(
            "Survey waves: fieldwork dates, achieved sample, questionnaire version",
            _list("Wave"), ["format"]),
        "/api/v1/waves/{wave}/indicators": _operation(
            "Every published indicator of a wave, for a neighbourhood or the authority",
            _area_list("indicators", "Indicator"), ["wave", "neighbourhood", "format"],
            {"404": NOT_FOUND, "409": NO_RESULTS}),
        "/api/v1/waves/{wave}/perception-gap": _operation(
            "Worry about crime against victimisation, by crime type",
            _area_list("crimes", "Gap"), ["wave", "neighbourhood", "format"],
            {"404": NOT_FOUND, "409": NO_RESULTS}),
        "/api/v1/neighbourhoods/{slug}/pact": _operation(
            "A neighbourhood's PACT: next meeting, priorities, You said we did, Pledge figures "
            "for the last 12 months (as the public page)", _ref("Pact"), ["slug", "format"],
            {"404": NOT_FOUND}),
        "/api/v1/case-reviews": _operation(
            "ASB Case Reviews (Community Trigger) per year: applications, threshold not met, reviews "
            "carried out, reviews resulting in recommendations (each in the year received)",
            _list("CaseReviewYear"), ["format"]),
        "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {
            "200": {"description": "OK", "content": {"application/json": {
                "schema": {"type": "object"}}}},
            "304": {"description": "Not modified."}, **ERRORS}}},
    }
    return deepcopy({
        "openapi": "3.1.0",
        "info": {"title": "PACT Voicebox open data", "version": "1.0.0",
                 "description": f"{UNITS}\n\n{DISCLOSURE}\n\nRead-only, no sign-in; CORS GET "
                                "from any origin; ETag and Last-Modified with 304 answers.",
                 "license": {"name": LICENCE["name"], "url": LICENCE["url"]}},
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    })
