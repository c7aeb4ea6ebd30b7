"""Installs the Kartu Prakerja follow-up surveys 2 and 3 (``prakerja-survei-2``, ``prakerja-survei-3``), version 1: the
same questions as the employment survey (survey 1, the surveys app's ``employment``, frozen in its migration 0004),
asked again 60 and 90 days after the training (``prakerja.domain.survey_window``). Each is its own questionnaire, so
the surveys app's constraint "one response per questionnaire and enrollment" makes each answered once. Who may fill
them and when is prakerja's rule (``surveys.fill_refusal``); each filled in its window makes one survey incentive due.

Forward is idempotent; backward removes a survey only while nobody has answered it."""

import importlib

from django.db import migrations

SURVEYS = {
    "prakerja-survei-2": ("Survei lanjutan Kartu Prakerja ke-2",
                          "Survei kedua untuk peserta Kartu Prakerja, 60 hari setelah pelatihan selesai: pekerjaan atau usaha "
                          "Anda sekarang. Peserta yang mengisinya dalam 30 hari sejak dibuka menerima insentif survei."),
    "prakerja-survei-3": ("Survei lanjutan Kartu Prakerja ke-3",
                          "Survei ketiga untuk peserta Kartu Prakerja, 90 hari setelah pelatihan selesai: pekerjaan atau usaha "
                          "Anda sekarang. Peserta yang mengisinya dalam 30 hari sejak dibuka menerima insentif survei."),
}


def install(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    QuestionnaireVersion = apps.get_model("surveys", "QuestionnaireVersion")
    Question = apps.get_model("surveys", "Question")
    questions = importlib.import_module("sisnaker.surveys.migrations.0004_employment").QUESTIONS
    from django.utils import timezone

    for code, (title, description) in SURVEYS.items():
        if Questionnaire.objects.filter(code=code).exists():
            continue
        questionnaire = Questionnaire.objects.create(code=code, title=title, description=description)
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, version=1, is_current=True,
                                                      published_at=timezone.now())
        Question.objects.bulk_create([
            Question(version=version, order=i, code=q["code"], kind=q["kind"], text=q["text"], text_en=q.get("text_en", ""),
                     help_text=q.get("help_text", ""), required=q.get("required", True), choices=q.get("choices", []),
                     min_value=q.get("min_value"), max_value=q.get("max_value"), condition=q.get("condition", {}))
            for i, q in enumerate(questions, start=1)
        ])


def uninstall(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Response = apps.get_model("surveys", "Response")
    for code in SURVEYS:
        questionnaire = Questionnaire.objects.filter(code=code).first()
        if questionnaire is None or Response.objects.filter(questionnaire=questionnaire).exists():
            continue
        for version in questionnaire.versions.all():
            version.questions.all().delete()
            version.delete()
        questionnaire.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("prakerja", "0004_purchase_consent"),
        ("surveys", "0004_employment"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
