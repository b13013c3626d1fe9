import pytest

from studyapp.noteformat.cards import EXACT, answer_changed


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("WAF は原則 403 を返す。", "WAF は原則 403 を返す", False),  # punctuation only
        ("Use S3 Replication with a KMS key", "use s3 replication with a KMS key.", False),  # case
        ("バックエンドのスケールや高速化が本質である", "バックエンドのスケールや高速化が本質だ", False),  # wording
        ("403", "502", True),  # short answers have no room for typos
        ("CloudFront のタイムアウトを延ばす", "オリジンの処理時間を短くする", True),
        (f"A,E{EXACT}text", f"A,C{EXACT}text", True),  # another correct set
        (f"A,E{EXACT}Scale the pods with HPA", f"A,E{EXACT}Scale the pods with the HPA", False),
    ],
)
def test_answer_changed_tells_a_new_answer_from_a_typo(old, new, changed):
    assert answer_changed(old, new) is changed
