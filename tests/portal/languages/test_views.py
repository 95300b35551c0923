"""/admin/languages: per offered language, the resident strings its catalogue lacks with the count,
and per published questionnaire version the strings not yet translated, linked from the version's
count."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from portal import REPO_ROOT
from portal.models import Questionnaire
from portal.questionnaires.translations import store_file
from portal.questionnaires.versions import load_shipped, version_questionnaire
from surveys.translations import strings
from tests.pages import check_page

STANDARD = "crime-and-community-safety"


def _versions(db_session) -> tuple[Questionnaire, Questionnaire]:
    load_shipped(db_session)
    db_session.commit()
    rows = db_session.query(Questionnaire).filter_by(slug=STANDARD).order_by(Questionnaire.version).all()
    return rows[0], rows[1]


def test_the_page_lists_what_each_language_lacks(app, signed_in, db_session, tmp_path):
    v1, v2 = _versions(db_session)
    folder = tmp_path / "ur" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = Catalog(locale="ur")
    catalogue.add("How we use your information", "ہم آپ کی معلومات کیسے استعمال کرتے ہیں")
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalogue)
    app.config.update(LANGUAGES=("en", "cy", "ur"),
                      BABEL_TRANSLATION_DIRECTORIES=f"{tmp_path};{REPO_ROOT / 'translations'}")
    admin = signed_in("admin")
    html = admin.get("/admin/languages/").text
    page = check_page(html, csrf=False)
    assert page.h1 == "Languages"
    headings = [h.text for h in page.find_all("h3")]
    [welsh] = [h for h in headings if h.startswith("Welsh (cy): ")]
    done, total = welsh.removeprefix("Welsh (cy): ").split(" strings")[0].split(" of ")
    assert done == total and int(total) > 400
    assert f"Urdu (ur): 1 of {total} strings translated" in headings
    missing = html.split('id="interface-ur"')[1].split("</table>")[0]
    assert "<td>Local issues</td>" in missing and "How we use your information" not in missing
    table = html.split('id="questionnaire-coverage"')[1].split("</table>")[0]
    assert f'href="/admin/languages/questionnaires/{v1.id}"' in table
    keys = list(strings(version_questionnaire(v2)))
    assert f"<td>0 of {len(keys)}</td>" in table  # Urdu has none yet

    title = strings(version_questionnaire(v2))["title"]
    store_file(db_session, v2, "ur", f"key,en,ur\r\ntitle,{title},سروے\r\n".encode(), "ur.csv",
               ("en", "cy", "ur"))
    db_session.commit()
    detail = admin.get(f"/admin/languages/questionnaires/{v2.id}").text
    check_page(detail, csrf=False)
    urdu = detail.split('id="missing-ur">')[1]
    assert urdu.startswith(f"Urdu: 1 of {len(keys)} strings translated</h2>")
    urdu_rows = urdu.split("</table>")[0].count("<tr>") - 1
    assert urdu_rows == len(keys) - 1
    assert f"<code>{keys[1]}</code>" in urdu and "<code>title</code>" not in urdu
    assert 'id="missing-cy">Welsh: ' in detail
    version_page = admin.get(f"/admin/questionnaires/{v2.id}").text
    assert f'/admin/languages/questionnaires/{v2.id}#missing-ur">see which are missing' in version_page
    assert admin.get("/admin/languages/questionnaires/999999").status_code == 404
    assert signed_in("analyst").get("/admin/languages/").status_code == 403

