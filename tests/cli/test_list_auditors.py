"""`govaudit list-auditors` and third-party auditors found through entry points."""

from __future__ import annotations


from govaudit.cli import main


def test_lists_the_builtin_bias_auditor(capsys):
    assert main(["list-auditors"]) == 0
    out = capsys.readouterr().out
    assert "bias" in out and "govaudit" in out
