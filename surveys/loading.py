"""Load questionnaire definitions from versioned YAML files, validate them, and fingerprint them.

A wave freezes one questionnaire version by storing its ``checksum``. Wording changes make answers
incomparable between waves (methodology.md: the two NI 21 wordings), so a published version file is
never edited: copy it to ``<id>.v<N+1>.yaml`` and change the copy. ``load_questionnaire(...,
expected_checksum=...)`` detects an edited frozen version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from surveys.definition_checks import check_questionnaire
from surveys.questionnaire import (
    Condition,
    GridRow,
    Option,
    Page,
    Question,
    Questionnaire,
    QuestionnaireError,
)

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
SCHEMA_PATH = Path(__file__).with_name("questionnaire.schema.json")
FILE_NAME = re.compile(r"^(?P<id>[a-z][a-z0-9-]*)\.v(?P<version>[0-9]+)\.ya?ml$")


@dataclass(frozen=True)
class QuestionnaireInfo:
    """One available questionnaire version, for pickers in the staff pages."""

    id: str
    version: int
    title: str
    checksum: str
    path: Path


class _DefinitionLoader(yaml.SafeLoader):
    """YAML 1.1 without its traps: ``yes``/``no`` stay strings (they are answer codes), ``16_24``
    stays a string (PyYAML would read it as the integer 1624), and duplicate keys are an error
    instead of silently keeping the last one."""


_DefinitionLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))


def _construct_mapping_without_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_DefinitionLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_without_duplicates)


@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _fail(source: str, where: str, problem: str) -> QuestionnaireError:
    return QuestionnaireError(f"{source}: {where}: {problem}")


def _where(document: Any, path: Iterable[Any]) -> tuple[str, str]:
    """Turn a JSON path into ('question police_council_dealing', 'options[0].code')."""
    path = list(path)
    where, rest = "questionnaire", path
    node = document
    if len(path) >= 2 and path[0] == "pages" and isinstance(path[1], int):
        page = _safe_index(node.get("pages"), path[1]) if isinstance(node, dict) else None
        where = f"page {_name(page, path[1])}"
        rest = path[2:]
        if len(path) >= 4 and path[2] == "questions" and isinstance(path[3], int):
            questions = page.get("questions") if isinstance(page, dict) else None
            question = _safe_index(questions, path[3])
            where = f"question {_name(question, path[3])}"
            rest = path[4:]
    dotted = ""
    for part in rest:
        dotted += f"[{part}]" if isinstance(part, int) else (f".{part}" if dotted else str(part))
    return where, dotted


def _safe_index(items: Any, index: int) -> Any:
    return items[index] if isinstance(items, list) and 0 <= index < len(items) else None


def _name(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return f"#{index + 1} (no id)"


def _read_document(raw: bytes, source: str) -> dict[str, Any]:
    document = _read_raw(raw, source)
    errors = sorted(_schema_validator().iter_errors(document),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        first = errors[0]
        where, dotted = _where(document, first.absolute_path)
        problem = f"{dotted}: {first.message}" if dotted else first.message
        more = f" (and {len(errors) - 1} more schema problems)" if len(errors) > 1 else ""
        raise _fail(source, where, problem + more)
    return document


def _read_raw(raw: bytes, source: str) -> dict[str, Any]:
    """The YAML mapping in ``raw``, its shape not yet checked."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(source, "file", f"not UTF-8 text ({error.reason})") from None
    try:
        document = yaml.load(text, Loader=_DefinitionLoader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = f"line {mark.line + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or str(error)
        raise _fail(source, line, f"YAML syntax error: {problem}") from None
    if not isinstance(document, dict):
        raise _fail(source, "questionnaire", "the file must hold a mapping with id, version, title "
                    "and pages")
    return document


def _condition(raw: Mapping[str, Any], source: str, where: str) -> Condition:
    groups = [key for key in ("all", "any") if key in raw]
    tests = [key for key in ("equals", "in", "includes") if key in raw]
    if groups:
        if len(raw) != 1:
            raise _fail(source, where, f"show_if with '{groups[0]}' must contain nothing else")
        return Condition(kind=groups[0], conditions=tuple(
            _condition(item, source, where) for item in raw[groups[0]]))
    if "question" not in raw or len(tests) != 1:
        raise _fail(source, where, "show_if needs 'question' and exactly one of 'equals', 'in' or "
                    "'includes' (or 'all'/'any' over a list of such rules)")
    codes = raw[tests[0]]
    codes = tuple(codes) if isinstance(codes, list) else (codes,)
    return Condition(kind=tests[0], question=raw["question"], codes=codes)


def _build(document: dict[str, Any], source: str) -> Questionnaire:
    pages = []
    for raw_page in document["pages"]:
        questions = []
        for raw in raw_page["questions"]:
            where = f"question {raw['id']}"
            questions.append(Question(
                id=raw["id"],
                type=raw["type"],
                text=raw["text"].strip(),
                hint=_stripped(raw.get("hint")),
                required=raw.get("required", False),
                options=tuple(Option(o["code"], o["label"].strip(), o.get("exclusive", False))
                              for o in raw.get("options", ())),
                options_from=raw.get("options_from"),
                rows=tuple(GridRow(r["id"], r["text"].strip()) for r in raw.get("rows", ())),
                min=raw.get("min"),
                max=raw.get("max"),
                max_length=raw.get("max_length", _DEFAULT_MAX_LENGTH.get(raw["type"])),
                show_if=_condition(raw["show_if"], source, where) if "show_if" in raw else None,
                error_message=_stripped(raw.get("error_message")),
            ))
        pages.append(Page(
            id=raw_page["id"],
            title=raw_page["title"].strip(),
            intro=_stripped(raw_page.get("intro")),
            questions=tuple(questions),
            show_if=(_condition(raw_page["show_if"], source, f"page {raw_page['id']}")
                     if "show_if" in raw_page else None),
        ))
    return Questionnaire(
        id=document["id"], version=document["version"], title=document["title"].strip(),
        description=_stripped(document.get("description")), pages=tuple(pages), source=source,
        minutes=document.get("minutes"))


_DEFAULT_MAX_LENGTH = {"text": 100, "long_text": 500}


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def load_questionnaire_file(path: str | Path) -> Questionnaire:
    """Load and validate one definition file; its name must be ``<id>.v<version>.yaml``.

    Results are cached by path and content, so the portal can call this on every request: an
    edited file is re-read and re-checked, an unchanged one costs a file read and a hash.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: file not found") from None
    return _load_checked(str(path), raw)


@lru_cache(maxsize=64)
def _load_checked(path_text: str, raw: bytes) -> Questionnaire:
    # Keyed on the file's bytes, so an edit is never served from the cache.
    path = Path(path_text)
    document = _read_document(raw, path.name)
    questionnaire = _build(document, path.name)
    expected = f"{questionnaire.id}.v{questionnaire.version}"
    match = FILE_NAME.match(path.name)
    if not match or (match["id"], int(match["version"])) != (questionnaire.id,
                                                             questionnaire.version):
        raise _fail(path.name, "questionnaire",
                    f"file name must be {expected}.yaml to match its id and version")
    check_questionnaire(questionnaire, path.name)
    return dataclasses.replace(questionnaire, source=str(path))


def _definition_files(directory: Path) -> list[tuple[str, int, Path]]:
    found = []
    for path in sorted(directory.glob("*.y*ml")):
        match = FILE_NAME.match(path.name)
        if match:
            found.append((match["id"], int(match["version"]), path))
    return found


def load_questionnaire(path_or_id: str | Path, version: int | None = None, *,
                       expected_checksum: str | None = None,
                       directory: str | Path | None = None) -> Questionnaire:
    """Load a questionnaire by file path, or by id (and version; latest if None) from
    ``surveys/definitions`` (or ``directory``).

    With ``expected_checksum`` (what a wave stored when it froze the version), raise
    ``QuestionnaireError`` if the file has been edited since.
    """
    candidate = Path(path_or_id)
    if isinstance(path_or_id, Path) or candidate.suffix in (".yaml", ".yml"):
        questionnaire = load_questionnaire_file(candidate)
    else:
        folder = Path(directory) if directory else DEFINITIONS_DIR
        files = [(v, p) for i, v, p in _definition_files(folder) if i == path_or_id]
        if not files:
            known = sorted({i for i, _, _ in _definition_files(folder)})
            raise QuestionnaireError(f"no questionnaire {path_or_id!r} in {folder}; "
                                     f"available: {', '.join(known) or 'none'}")
        if version is None:
            path = max(files)[1]
        else:
            matching = [p for v, p in files if v == version]
            if not matching:
                versions = ", ".join(str(v) for v, _ in sorted(files))
                raise QuestionnaireError(f"no version {version} of questionnaire {path_or_id!r}; "
                                         f"available versions: {versions}")
            path = matching[0]
        questionnaire = load_questionnaire_file(path)
    if expected_checksum is not None and checksum(questionnaire) != expected_checksum:
        raise QuestionnaireError(
            f"{Path(questionnaire.source or '').name}: questionnaire: {questionnaire.label} has "
            f"been edited since it was frozen (checksum {checksum(questionnaire)}, expected "
            f"{expected_checksum}); restore it and put the changes in a new version file")
    return questionnaire


def list_questionnaires(directory: str | Path | None = None) -> list[QuestionnaireInfo]:
    """Every valid definition in ``surveys/definitions`` (or ``directory``), by id then version.

    A broken file raises ``QuestionnaireError`` rather than being skipped: it should fail tests
    and deployment, not vanish from a picker.
    """
    folder = Path(directory) if directory else DEFINITIONS_DIR
    infos = []
    for _, _, path in _definition_files(folder):
        questionnaire = load_questionnaire_file(path)
        infos.append(QuestionnaireInfo(questionnaire.id, questionnaire.version,
                                       questionnaire.title, checksum(questionnaire), path))
    return sorted(infos, key=lambda info: (info.id, info.version))


def checksum(questionnaire: Questionnaire) -> str:
    """``sha256:<hex>`` of the questionnaire's content (wording, codes, routing, bounds).

    Computed from the parsed definition, not the file bytes, so comments and layout can change
    freely but any change a resident or an analyst could notice changes the checksum. Options bound
    at run time (neighbourhoods) are left out.
    """
    content = dataclasses.asdict(dataclasses.replace(questionnaire, source=None))
    # The estimated completion time is a note about the questionnaire, not its content: stating
    # or refining it leaves answers comparable, so it may be added to a frozen version.
    content.pop("minutes")
    for page in content["pages"]:
        for question in page["questions"]:
            if question["options_from"]:
                question["options"] = []
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def bind_options(questionnaire: Questionnaire, **sources: Any) -> Questionnaire:
    """Fill ``options_from`` questions with options known only at run time.

    ``bind_options(q, neighbourhoods=...)`` accepts a mapping slug -> name, pairs (slug, name),
    or bare slugs. The result validates and labels neighbourhood answers; the checksum is unchanged.
    """
    pages = []
    for page in questionnaire.pages:
        questions = []
        for question in page.questions:
            if question.options_from and question.options_from in sources:
                options = neighbourhood_options(sources[question.options_from])
                question = dataclasses.replace(question, options=options)
            questions.append(question)
        pages.append(dataclasses.replace(page, questions=tuple(questions)))
    return dataclasses.replace(questionnaire, pages=tuple(pages))


NEIGHBOURHOOD_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def neighbourhood_options(neighbourhoods: Any) -> tuple[Option, ...]:
    """Normalise a mapping / pairs / slugs into ``Option(slug, name)``s, checking the slugs."""
    if isinstance(neighbourhoods, Mapping):
        pairs = list(neighbourhoods.items())
    else:
        pairs = [(item, item) if isinstance(item, str) else tuple(item) for item in neighbourhoods]
    options = []
    for slug, name in pairs:
        if not isinstance(slug, str) or not NEIGHBOURHOOD_SLUG.match(slug):
            raise ValueError(f"neighbourhood slug {slug!r} must be lower case words joined by "
                             "hyphens, like oldfield-park")
        options.append(Option(slug, str(name)))
    if len({o.code for o in options}) != len(options):
        raise ValueError("neighbourhood slugs must be unique")
    return tuple(options)
