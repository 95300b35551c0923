"""Questionnaires as data, and everything that checks, routes, imports and exports answers.

Pure Python (no Flask, no database): the portal's survey pages and staff import/export views, the
analysis code and the tests all call these functions, so the rules live in one place.
"""

from surveys.answers import (
    InvalidAnswer,
    ProblemDetail,
    clean_answer,
    clean_answers,
    validate_page,
    validate_response,
)
from surveys.codebook import (
    AnswerSummaryRow,
    CodebookEntry,
    answer_summary,
    answer_text,
    codebook,
    column_text,
    option_label,
    option_labels,
)
from surveys.exporting import (
    ExportError,
    WeightColumn,
    export_csv,
    export_sav,
    export_xlsx,
    neutralise_formula,
    weighting_note_csv,
)
from surveys.importing import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportColumn,
    ImportProblem,
    ImportResult,
    csv_template,
    import_columns,
    parse_import,
)
from surveys.loading import (
    QuestionnaireInfo,
    bind_options,
    checksum,
    list_questionnaires,
    load_questionnaire,
)
from surveys.postcodes import normalise_postcode
from surveys.questionnaire import (
    Condition,
    GridRow,
    Option,
    Page,
    Question,
    Questionnaire,
    QuestionnaireError,
)
from surveys.routing import (
    is_question_shown,
    next_page,
    previous_page,
    prune_hidden,
    shown_question_ids,
    shown_questions,
    visible_pages,
)
from surveys.wide_format import (
    METADATA_COLUMNS,
    MODES,
    answers_from_wide_row,
    wide_columns,
    wide_row_from_answers,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "METADATA_COLUMNS",
    "MODES",
    "AnswerSummaryRow",
    "CodebookEntry",
    "Condition",
    "ExportError",
    "GridRow",
    "ImportColumn",
    "ImportProblem",
    "ImportResult",
    "InvalidAnswer",
    "Option",
    "Page",
    "ProblemDetail",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireInfo",
    "WeightColumn",
    "answer_summary",
    "answer_text",
    "answers_from_wide_row",
    "bind_options",
    "checksum",
    "clean_answer",
    "clean_answers",
    "codebook",
    "column_text",
    "csv_template",
    "export_csv",
    "export_sav",
    "export_xlsx",
    "import_columns",
    "is_question_shown",
    "list_questionnaires",
    "load_questionnaire",
    "neutralise_formula",
    "next_page",
    "normalise_postcode",
    "option_label",
    "option_labels",
    "parse_import",
    "previous_page",
    "prune_hidden",
    "shown_question_ids",
    "shown_questions",
    "validate_page",
    "validate_response",
    "visible_pages",
    "weighting_note_csv",
    "wide_columns",
    "wide_row_from_answers",
]
