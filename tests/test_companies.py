"""The companies file: good rows, and one clear error (file and line) for each kind of bad input."""
from __future__ import annotations

import pytest

from pipeline.companies import CompaniesError, read_companies, slug


def write(tmp_path, text: str | bytes, name: str = "companies.csv"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def test_reads_companies_with_urls_local_files_and_allow_domains(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "statement.pdf").write_bytes(b"%PDF-1.4")
    path = write(tmp_path, "\ufeffcompany,sector,seed_urls,allow_domains\n"
                           '"Deutsche Telekom AG",telecom,https://www.telekom.com/en docs/statement.pdf,"Telekom.DE cdn.telekom.net"\n'
                           "\n"
                           "Orange S.A.,telecom,https://www.orange.com/,\n")
    first, second = read_companies(path)
    assert first.company_id == "deutsche-telekom-ag" and first.name == "Deutsche Telekom AG"
    assert first.seed_urls == ("https://www.telekom.com/en", (tmp_path / "docs" / "statement.pdf").resolve().as_uri())
    assert first.allow_domains == ("telekom.de", "cdn.telekom.net")
    assert (second.company_id, second.allow_domains) == ("orange-s-a", ())


def test_slug():
    assert slug("Telefónica, S.A.") == "telefonica-s-a"


@pytest.mark.parametrize("text, message", [
    ("company,sector\nA,telecom\n", "line 1: missing column(s) seed_urls; expected company, sector, seed_urls"),
    ("company,sector,seed_urls,url\nA,t,https://a.com,x\n", "line 1: unknown column(s) url"),
    ("company,sector,seed_urls\n,telecom,https://a.com\n", "line 2: company is empty"),
    ("company,sector,seed_urls\nA,,https://a.com\n", "line 2: sector is empty"),
    ("company,sector,seed_urls\nA,telecom,\n", "line 2: seed_urls is empty for 'A'"),
    ("company,sector,seed_urls\nA,telecom,ftp://a.com/x\n", "line 2: seed 'ftp://a.com/x' has scheme 'ftp'"),
    ("company,sector,seed_urls\nA,telecom,https:///x\n", "line 2: seed 'https:///x' has no host name"),
    ("company,sector,seed_urls\nA,telecom,missing.pdf\n", "line 2: seed file 'missing.pdf' not found"),
    ("company,sector,seed_urls\nA,telecom,.\n", "line 2: seed '.' is a folder"),
    ("company,sector,seed_urls\nAcme Inc,telecom,https://a.com\nACME inc.,telecom,https://b.com\n",
     "line 3: duplicate company 'ACME inc.' (same id 'acme-inc' as line 2)"),
    ("company,sector,seed_urls\nA,t,https://a.com,extra\n", "line 2: 4 fields, expected 3"),
    ("company,sector,seed_urls,allow_domains\nA,telecom,https://a.com,not_a/domain\n", "line 2: allow_domains entry 'not_a/domain'"),
    ("company,sector,seed_urls\nA,bank,https://a.com\n", "line 2: sector 'bank' for 'A' is not one of platform, telecom, device"),
    ("company,sector,seed_urls,services\nA,platform,https://a.com,app_store\n",
     "line 2: services entry 'app_store' is not one of mobile_ecosystem, pda_ecosystem"),
    ("company,sector,seed_urls\n", "no companies"),
    ("", "empty file"),
])
def test_bad_rows_name_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CompaniesError) as err:
        read_companies(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_sector_spellings_become_one_sector(tmp_path):
    path = write(tmp_path, "company,sector,seed_urls\nA,Telecoms,https://a.com\nB,Digital Platform,https://b.com\n"
                           "C,device-maker,https://c.com\n")
    assert [c.sector for c in read_companies(path)] == ["telecom", "platform", "device"]


def test_services_are_read_in_lower_case(tmp_path):
    path = write(tmp_path, "company,sector,seed_urls,services\nA,platform,https://a.com,Mobile_Ecosystem pda_ecosystem\n"
                           "B,platform,https://b.com,\n")
    a, b = read_companies(path)
    assert a.services == ("mobile_ecosystem", "pda_ecosystem") and b.services == ()


def test_missing_file(tmp_path):
    with pytest.raises(CompaniesError, match="companies file not found"):
        read_companies(tmp_path / "nope.csv")


def test_not_utf8(tmp_path):
    path = write(tmp_path, "company,sector,seed_urls\nTelefónica,telecom,https://a.com\n".encode("latin-1"))
    with pytest.raises(CompaniesError, match="not UTF-8 text.*save the CSV as UTF-8"):
        read_companies(path)


def test_not_a_csv(tmp_path):
    path = write(tmp_path, b"PK\x03\x04\x00\x00binary spreadsheet", name="companies.xlsx")
    with pytest.raises(CompaniesError, match="not (a CSV|UTF-8)"):
        read_companies(path)


def test_a_folder_is_not_a_companies_file(tmp_path):
    with pytest.raises(CompaniesError, match="not a file"):
        read_companies(tmp_path)
