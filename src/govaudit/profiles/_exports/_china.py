"""China algorithm filing (算法备案) and self-assessment (算法自评估) fields, in Chinese, from a record and spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govaudit.profiles._exports._common import documentation_of

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["china_filing"]

_STATUS = {"pass": "通过", "warn": "警告", "fail": "未通过", "error": "错误", "skipped": "跳过", "inconclusive": "无法判断",
           "reported": "仅报告"}
_COVERAGE = {"met": "有证据满足", "not met": "未满足", "no evidence": "无证据", "not applicable": "不适用"}
_NOT_GIVEN = "（未填写）"


def _check_rows(record: "AuditRecord", prefix: str) -> list[dict[str, Any]]:
    return [{"检查项": f.check, "结果": _STATUS[f.status.value], "数值": f.value, "阈值": f.threshold,
             "说明": f.message}
            for f in record.findings if f.check.startswith(prefix) and f.status.value != "skipped"]


def china_filing(record: "AuditRecord", plan: "AuditPlan | None" = None) -> dict[str, Any]:
    """Filing fields (Art. 24) and a self-assessment summary built from the record's findings."""
    doc = documentation_of(record, plan)
    filing = {
        "算法名称": record.audit_name,
        "服务提供者": doc.get("provider") or doc.get("organisation") or _NOT_GIVEN,
        "服务形式": doc.get("service_form", _NOT_GIVEN),
        "应用领域": doc.get("domain", _NOT_GIVEN),
        "算法类型": doc.get("algorithm_type", _NOT_GIVEN),
        "算法基本原理、目的意图和主要运行机制": doc.get("algorithm_principles", _NOT_GIVEN),
        "拟公示内容": doc.get("public_content", _NOT_GIVEN),
        "上线日期": doc.get("launch_date", _NOT_GIVEN),
        "备案日期": doc.get("filing_date", _NOT_GIVEN),
        "提供不针对个人特征的选项": {True: "是", False: "否"}.get(doc.get("non_personalised_option"), _NOT_GIVEN),
    }
    coverage = []
    if record.coverage_matrix is not None:
        for profile in record.coverage_matrix.profiles:
            coverage += [{"要求": r.id, "状态": _COVERAGE[r.status], "理由": r.reason} for r in profile.requirements]
    assessment = {
        "审计记录编号": record.record_id,
        "审计时间": record.created_at.isoformat(),
        "总体结论": _STATUS.get(record.verdict.value, record.verdict.value),
        "公平性（不歧视）评估": _check_rows(record, "bias."),
        "可解释性评估": _check_rows(record, "explainability."),
        "数据来源与质量评估": _check_rows(record, "provenance."),
        "人工监督评估": _check_rows(record, "oversight."),
        "自评估报告（申报人提供）": doc.get("self_assessment", _NOT_GIVEN),
        "要求覆盖情况": coverage,
    }
    missing = [k for k, v in filing.items() if v == _NOT_GIVEN]
    return {"说明": "本文件汇总审计证据，不构成合规认定。", "备案信息": filing, "安全自评估": assessment,
            "未填写字段": missing}
