"""The ERMS document (FGS Ärendehantering 2.0 = E-ARK CITS ERMS 2.1): the case as a `caseFile`
aggregation and each registered document as a `record`, in the order the schema requires.

Mapping (read back by `archive.reader`): the diarienummer is the aggregation's objectId, a
document's number `RUN/479/2024-3` the record's objectId and its running number `runningNumber`;
the document type is the record's classification (code and label), the case type the
aggregation's; secrecy marks are `restriction` (confidential, the OSL provision as regulation);
retention is `disposal` (the plan's rule, bevaras/gallras, years, legal basis, dates); the file is
an `appendix` whose path is the file in the package.
"""

from __future__ import annotations

from datetime import datetime

from caseflow.archive.model import (
    DATA_DIR,
    ERMS_DIRECTIONS,
    Agent,
    ArchivedCase,
    Disposal,
    Document,
    Package,
    Producer,
)
from caseflow.archive.xmlutil import Element, day, iso, new_root, q, sub

__all__ = ["DATA_DIR", "RECORD_STATUS", "build_erms"]
RECORD_STATUS = {"expedierad": "expedited", "faststalld": "closed"}


def _e(name: str) -> str:
    return q("erms", name)


def build_erms(package: Package, *, producer: Producer, now: datetime) -> Element:
    """The ERMS document: one `caseFile` aggregation per case of the package."""
    root = new_root(_e("erms"))
    root.set(q("xsi", "schemaLocation"), "https://DILCIS.eu/XML/ERMS ../../schemas/ERMS.xsd")
    _control(root, package.package_id, producer=producer, now=now)
    aggregations = sub(root, _e("aggregations"))
    for case in package.cases:
        _aggregation(aggregations, case, package.data_dir(case))
    return root


def _aggregation(aggregations: Element, case: ArchivedCase, data_dir: str) -> None:
    agg = sub(
        aggregations, _e("aggregation"), systemIdentifier=case.system_id,
        aggregationType="caseFile",
    )  # fmt: skip
    sub(agg, _e("objectId"), case.diarienummer)
    for other in case.other_diarienummer:
        sub(agg, _e("extraId"), other, extraIdType="annat diarienummer")
    sub(agg, _e("classification"), case.case_type_label, classificationCode=case.case_type)
    if case.area:
        keywords = sub(agg, _e("keywords"))
        sub(keywords, _e("keyword"), case.area)
    sub(agg, _e("title"), case.title)
    sub(agg, _e("status"), value="closed")
    if case.disposal is not None:
        _disposal(agg, case.disposal, applied=None)
    _agents(agg, case.agents)
    if case.purpose:
        sub(agg, _e("description"), case.purpose)
    dates = sub(agg, _e("dates"))
    sub(dates, _e("date"), iso(case.opened), dateType="created")
    sub(dates, _e("date"), iso(case.closed), dateType="closed")
    for line in case.history:
        action = sub(agg, _e("action"))
        sub(action, _e("actionText"), line.text)
        action_dates = sub(action, _e("dates"))
        sub(action_dates, _e("actionDate"), iso(line.at), dateType="other",
            otherDateType="händelse")  # fmt: skip
        action_agents = sub(action, _e("agents"))
        agent = sub(action_agents, _e("agent"), agentType="user")
        sub(agent, _e("name"), line.actor)
    notes = sub(agg, _e("notes"))
    sub(notes, _e("note"), case.stage_label, noteType="skede")
    if case.outcome:
        sub(notes, _e("note"), case.outcome, noteType="utfall")
    for document in case.documents:
        _record(agg, document, data_dir)


def _control(root: Element, package_id: str, *, producer: Producer, now: datetime) -> None:
    control = sub(root, _e("control"))
    sub(control, _e("identification"), package_id, identificationType="paket")
    maintenance = sub(control, _e("maintenanceInformation"))
    sub(maintenance, _e("maintenanceStatus"), value="new")
    agency = sub(maintenance, _e("maintenanceAgency"))
    sub(agency, _e("agencyName"), producer.organisation)
    history = sub(maintenance, _e("maintenanceHistory"))
    event = sub(history, _e("maintenanceEvent"))
    sub(event, _e("eventType"), value="created")
    sub(event, _e("eventDateTime"), iso(now))
    agent = sub(event, _e("agent"), agentType="creator")
    sub(agent, _e("name"), f"{producer.software} {producer.software_version}")


def _agents(parent: Element, agents: tuple[Agent, ...]) -> None:
    if not agents:
        return
    holder = sub(parent, _e("agents"))
    for agent in agents:
        element = sub(holder, _e("agent"), agentType=agent.agent_type)
        sub(element, _e("name"), agent.name)
        if agent.organisation:
            sub(element, _e("organisation"), agent.organisation)
        if agent.email:
            sub(element, _e("idNumber"), agent.email, idNumberType="e-post")


def _disposal(parent: Element, disposal: Disposal, *, applied: str | None) -> None:
    element = sub(parent, _e("disposal"), disposable="true" if disposal.disposable else "false")
    sub(element, _e("disposalScheduleId"), disposal.rule)
    sub(element, _e("disposalAction"), disposal.action)
    if disposal.years is not None:
        sub(element, _e("disposalPeriod"), f"P{disposal.years}Y")
    sub(element, _e("disposalMandate"), disposal.mandate)
    dates = sub(element, _e("dates"))
    if disposal.period_start is not None:
        sub(dates, _e("disposalDate"), day(disposal.period_start),
            dateType="retention_period_start")  # fmt: skip
    if disposal.disposal_date is not None:
        sub(dates, _e("disposalDate"), day(disposal.disposal_date), dateType="disposal_date")
    if applied is not None:
        sub(dates, _e("disposalDate"), applied, dateType="applied")
    if len(dates) == 0:  # the schema wants at least one date
        sub(dates, _e("disposalDate"), "1900-01-01T00:00:00", dateType="other_date",
            otherDisposalDateType="okänt")  # fmt: skip


def _record(parent: Element, document: Document, data_dir: str) -> None:
    record = sub(
        parent, _e("record"), systemIdentifier=f"handling-{document.identifier}",
        recordType=document.doc_type,
        recordPhysicalOrDigital="digitial" if document.file else "does_not_apply",
    )  # fmt: skip
    sub(record, _e("objectId"), document.identifier)
    sub(record, _e("classification"), document.doc_type_label,
        classificationCode=document.doc_type)  # fmt: skip
    sub(record, _e("title"), document.subject)
    status = RECORD_STATUS.get(document.final_state or "")
    if status is None:
        status = "received" if document.direction == "inkommande" else "in_progress"
    sub(record, _e("status"), value=status)
    sub(record, _e("runningNumber"), str(document.number))
    for mark in document.restrictions:
        restriction = sub(record, _e("restriction"), restrictionType="confidential")
        sub(restriction, _e("explanatoryText"), mark.explanation)
        sub(restriction, _e("regulation"), mark.regulation)
    if document.disposal is not None:
        applied = day(document.disposed_on) if document.disposed_on else None
        _disposal(record, document.disposal, applied=applied)
    sub(record, _e("direction"), directionDefinition=ERMS_DIRECTIONS[document.direction])
    agents: list[Agent] = [Agent(agent_type="creator", name=document.created_by)]
    if document.counterpart:
        kind = "sender" if document.direction == "inkommande" else "recipient"
        agents.append(Agent(agent_type=kind, name=document.counterpart))
    _agents(record, tuple(agents))
    dates = sub(record, _e("dates"))
    kind = "received" if document.direction == "inkommande" else "created"
    sub(dates, _e("date"), day(document.document_date), dateType=kind)
    sub(dates, _e("date"), day(document.registered_on), dateType="captured")
    if document.file is not None:
        info = sub(record, _e("additionalInformation"))
        sub(
            info,
            _e("appendix"),
            name=document.file.name,
            path=f"{data_dir}/{document.file.name}",
            fileFormat=document.file.media_type,
        )
