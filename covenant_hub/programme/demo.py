"""Sample programme data (ky, ru, en) on the sample supporters of data/demo/organisations.jsonl:
applications in every state, services, two years of commitment activity, feedback, a suspension
history and the matching audit rows. Dates are relative to today so dashboards look alive.

Demo applications have no applicant account (demo data creates no users); staff pages show them.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from covenant_hub.clock import utcnow
from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation
from covenant_hub.programme import audit
from covenant_hub.programme.dashboard import months_before
from covenant_hub.programme.models import (
    COMMITMENTS,
    CommitmentActivity,
    FeedbackConsent,
    MemberFeedback,
    SupporterApplication,
    SupporterService,
)

PENDING = [
    dict(
        network_name="Нарын облусунун жергиликтүү өз алдынча башкаруу органдарынын ассоциациясы",
        country="kg",
        network_kind="regional_network",
        member_count=61,
        languages=["ky", "ru"],
        regions="Нарын облусу",
        motivation="Айылдык аймактарга Мэрлер келишимине кошулууга жардам бергибиз келет.",
        contact_name="Жылдыз Токтогулова",
        contact_email="naryn-network@example.kg",
        state="submitted",
    ),
    dict(
        network_name="Ассоциация муниципалитетов Таджикистана",
        country="tj",
        network_kind="national_association",
        member_count=68,
        languages=["tg", "ru"],
        regions="Согдийская и Хатлонская области",
        motivation="Хотим помогать городам готовить планы действий по устойчивой энергетике и климату.",
        contact_name="Фаррух Рахимов",
        contact_email="amt@example.tj",
        state="info_requested",
        info_request="Сколько ваших членов — органы местного самоуправления?",
    ),
    dict(
        network_name="Caspian Local Energy Network",
        country="kz",
        network_kind="energy_agency",
        member_count=18,
        languages=["en", "ru", "kk"],
        regions="Atyrau and Mangystau regions",
        motivation="We run energy audits for coastal towns and want to bring them into the Covenant.",
        contact_name="Aliya Seitkali",
        contact_email="clen@example.kz",
        state="accepted",
        review_notes="Eligible: an energy agency working with local authorities.",
    ),
    dict(
        network_name="Ош шаарларынын экологиялык клубу",
        country="kg",
        network_kind="other",
        member_count=4,
        languages=["ky"],
        regions="Ош шаары",
        motivation="Экологиялык иш-чараларды өткөрөбүз.",
        contact_name="Бакыт Осмонов",
        contact_email="osh-eco@example.kg",
        state="rejected",
        rejection_reason="Тармак жергиликтүү бийликтерди бириктирбейт: мүчөлөрү жеке адамдар.",
    ),
    dict(
        network_name="Союз энергоменеджеров Казахстана",
        country="kz",
        network_kind="ngo",
        member_count=140,
        languages=["ru", "kk"],
        regions="Алматинская область, Астана",
        state="agreement_completed",
        motivation="Обучаем муниципальных энергоменеджеров и хотим официально поддерживать города.",
        contact_name="Ерлан Жумабаев",
        contact_email="energy-managers@example.kz",
        acknowledged=list(COMMITMENTS),
    ),
]
SERVICES = {
    "sample-kg-cities-union": [
        (
            "technical_assistance",
            ["ky", "ru"],
            "Бүт Кыргызстан",
            "SECAP даярдоо боюнча кеңеш жана шаарлардын планын текшерүү.",
        ),
        (
            "training",
            ["ky", "ru"],
            "Чүй, Ысык-Көл, Ош",
            "Муниципалдык кызматкерлер үчүн энергия башкаруу семинарлары.",
        ),
        ("translation", ["ky", "ru", "en"], "", "Мэрлер келишиминин документтерин кыргыз тилине которуу."),
    ],
    "sample-ca-climate-network": [
        ("peer_exchange", ["en", "ru"], "Central Asia", "Study visits between member cities on adaptation."),
        (
            "funding_advice",
            ["en", "ru"],
            "Kazakhstan, Kyrgyzstan, Tajikistan, Uzbekistan",
            "Help preparing applications to climate funds.",
        ),
        ("events", ["en", "ru", "ky"], "Central Asia", "An annual regional forum of climate cities."),
    ],
    "sample-kg-energy-centre": [
        ("technical_assistance", ["ru", "ky"], "Бишкек, Токмок", "Энергоаудит муниципальных зданий."),
        ("training", ["ru"], "Чуйская область", "Курсы для муниципальных энергоменеджеров."),
    ],
}
# (months ago, commitment, kind, description); the network skips two commitments on purpose.
ACTIVITY_PLAN = {
    "sample-kg-cities-union": [
        (1, "promote", "promotion", "Мэрлер келишими жөнүндө Нарында маалымат жолугушуусу."),
        (2, "exchange", "exchange", "Ош менен Каракол ортосунда тажрыйба алмашуу сапары."),
        (3, "intermediary", "press", "Мэрлер келишими тууралуу радиодо маек."),
        (5, "synergies", "event", "Улуттук энергия үнөмдөө жумалыгына катышуу."),
        (6, "feedback", "feedback", "Бишкектин SECAP отчетуна расмий пикир."),
        (
            8,
            "recognise",
            "promotion",
            "Союздун стратегиясына Мэрлер келишими негизги багыт катары киргизилди.",
        ),
        (14, "promote", "event", "Жаңы талапкер шаарлар үчүн семинар."),
        (20, "exchange", "exchange", "Токмок менен Талас ортосунда онлайн алмашуу."),
    ],
    "sample-ca-climate-network": [
        (2, "exchange", "exchange", "Almaty–Tashkent study visit on heat islands."),
        (4, "synergies", "event", "Side event at the Central Asian Climate Change Conference."),
        (7, "promote", "promotion", "Newsletter issue on joining the Covenant."),
        (16, "intermediary", "press", "Joint press release with the Covenant of Mayors Office."),
        (22, "feedback", "feedback", "Official feedback on Almaty's monitoring report."),
    ],
    "sample-kg-energy-centre": [
        (1, "feedback", "feedback", "Официальный отзыв о плане Токмока."),
        (3, "promote", "promotion", "Презентация Соглашения мэров для городов Чуйской области."),
        (9, "recognise", "promotion", "Соглашение мэров включено в устав центра."),
        (10, "exchange", "exchange", "Обмен опытом Токмок — Кант по освещению."),
        (13, "synergies", "event", "Совместный семинар с программой энергоэффективности ЕС."),
        (18, "intermediary", "press", "Статья в республиканской газете."),
    ],
}
LIVE_KINDS = {"sample-ca-climate-network": "regional_network", "sample-kg-energy-centre": "energy_agency"}
FEEDBACK = [
    (
        "sample-kg-cities-union",
        "sample-bishkek",
        5,
        "ky",
        True,
        "Бишкек мониторинг отчетун өз убагында берди жана көчө жарыгын жаңылоо долбоору үлгү болду.",
    ),
    (
        "sample-kg-cities-union",
        "gcom-kg0004",
        3,
        "ru",
        False,
        "План Оша хорошо подготовлен, но мероприятия по адаптации пока не начаты.",
    ),
    (
        "sample-ca-climate-network",
        "sample-almaty",
        4,
        "en",
        True,
        "Almaty's heat-island mapping is a model for the region; the monitoring report came late.",
    ),
]


def _orgs() -> dict[str, Organisation]:
    ids = set(SERVICES) | {member for _s, member, *_rest in FEEDBACK}
    return {
        org.external_id: org
        for org in db.session.scalars(select(Organisation).where(Organisation.external_id.in_(ids)))
    }


def seed_programme_demo(today: date | None = None) -> str:
    """Add the sample programme records once; a second run changes nothing."""
    if db.session.scalar(select(SupporterApplication.id).where(SupporterApplication.is_sample)) is not None:
        return "Programme demo already loaded."
    today = today or utcnow().date()
    orgs = _orgs()
    if len(orgs) < len(SERVICES):
        return "Programme demo skipped: the sample supporters are missing."
    for values in PENDING:
        application = SupporterApplication(is_sample=True, **values)
        db.session.add(application)
        db.session.flush()
        audit.record(None, "application_submitted", application=application, sample=True)
    for external_id, rows in SERVICES.items():
        _seed_supporter(orgs[external_id], rows, ACTIVITY_PLAN[external_id], today)
    for supporter_id, member_id, rating, language, public, text in FEEDBACK:
        supporter, member = orgs[supporter_id], orgs[member_id]
        db.session.add(
            MemberFeedback(
                supporter_id=supporter.id,
                member_id=member.id,
                rating=rating,
                text=text,
                language=language,
                created_at=utcnow() - timedelta(days=40),
            )
        )
        db.session.add(FeedbackConsent(org_id=member.id, public=public))
    db.session.commit()
    return f"Programme demo: {len(PENDING) + len(SERVICES)} applications, {len(FEEDBACK)} feedbacks."


def _seed_supporter(org: Organisation, services: list, plan: list, today: date) -> None:
    """A live application for the sample supporter, its services and its activity log."""
    _live_application(org, org.joined or months_before(today, 30))
    for service_type, languages, regions, description in services:
        db.session.add(
            SupporterService(
                org_id=org.id,
                service_type=service_type,
                languages=languages,
                regions=regions,
                description=description,
            )
        )
    for months_ago, commitment, kind, description in plan:
        db.session.add(
            CommitmentActivity(
                org_id=org.id,
                commitment=commitment,
                kind=kind,
                description=description,
                happened_on=months_before(today, months_ago),
            )
        )


def _live_application(org: Organisation, signed_on: date) -> None:
    """The application a sample supporter went live with, and its audit row."""
    application = SupporterApplication(
        is_sample=True,
        org_id=org.id,
        network_name=org.name,
        country=org.country,
        network_kind=LIVE_KINDS.get(org.external_id, "national_association"),
        member_count=20,
        languages=list(org.languages or []),
        regions=org.city or "",
        motivation=org.description or "",
        contact_name=org.name,
        contact_email="contact@example.org",
        state="live",
        acknowledged=list(COMMITMENTS),
        signed_on=signed_on,
        signatory_name="—",
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        None,
        "agreement_recorded",
        org=org,
        application=application,
        signed_on=signed_on.isoformat(),
        sample=True,
    )
