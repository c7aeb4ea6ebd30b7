"""Installs the post-training employment survey (survei kebekerjaan), version 1, code ``employment``: what an
alumnus does some weeks after the training (working, self-employed, not working), where and for how much, and
how relevant the training was. Questions about the job are asked only of those who work (conditional
questions, ``surveys.domain.Condition``). When alumni may fill it is certification's rule (a window after
graduation); payments read its responses (filling it makes the alumnus eligible for the incentive).

Its content is frozen here: later changes are new versions. Forward is idempotent; backward removes it only
while nobody has answered it.
"""

from django.db import migrations

CODE = "employment"
TITLE = "Survei kebekerjaan"
DESCRIPTION = (
    "Survei untuk alumni pelatihan tentang pekerjaan Anda sesudah pelatihan. Jawaban Anda membantu Kementerian "
    "Ketenagakerjaan, Disnaker, dan lembaga pelatihan menilai manfaat pelatihan. Alumni yang mengisinya dapat "
    "menerima insentif sesuai ketentuan program."
)

WORKS = ["working", "self_employed"]


def _choices(*rows):
    return [{"value": v, "label": label, "label_en": label_en} for v, label, label_en in rows]


QUESTIONS = [
    dict(code="status", kind="single", required=True,
         text="Apa status pekerjaan Anda saat ini?", text_en="What is your work status now?",
         choices=_choices(
             ("working", "Bekerja (karyawan/buruh/pegawai)", "Working (employee)"),
             ("self_employed", "Berwirausaha / usaha sendiri", "Self-employed / own business"),
             ("not_working", "Tidak bekerja", "Not working"),
         )),
    dict(code="employer", kind="text", required=True, condition={"question": "status", "values": WORKS},
         text="Nama perusahaan tempat Anda bekerja, atau nama usaha Anda",
         text_en="Name of the company you work for, or of your business"),
    dict(code="sector", kind="single", required=True, condition={"question": "status", "values": WORKS},
         text="Sektor usaha tempat Anda bekerja", text_en="Sector you work in",
         choices=_choices(
             ("pertanian", "Pertanian, kehutanan, perikanan", "Agriculture, forestry, fishing"),
             ("industri", "Industri pengolahan / manufaktur", "Manufacturing"),
             ("konstruksi", "Konstruksi", "Construction"),
             ("perdagangan", "Perdagangan, reparasi kendaraan", "Trade, vehicle repair"),
             ("transportasi", "Transportasi dan pergudangan", "Transport and storage"),
             ("akomodasi", "Hotel, restoran, makanan dan minuman", "Hotels, restaurants, food and drink"),
             ("informasi", "Informasi dan komunikasi", "Information and communication"),
             ("keuangan", "Jasa keuangan", "Financial services"),
             ("pendidikan_kesehatan", "Pendidikan, kesehatan, sosial", "Education, health, social work"),
             ("jasa_lainnya", "Jasa lainnya (termasuk jasa perorangan)", "Other services (including personal services)"),
             ("lainnya", "Lainnya", "Other"),
         )),
    dict(code="position", kind="text", required=True, condition={"question": "status", "values": WORKS},
         text="Jabatan atau jenis pekerjaan Anda", text_en="Your position or kind of work",
         help_text="Contoh: operator mesin jahit, teknisi jaringan, pemilik usaha katering."),
    dict(code="wage_range", kind="single", required=True, condition={"question": "status", "values": WORKS},
         text="Berapa penghasilan Anda per bulan?", text_en="What do you earn per month?",
         choices=_choices(
             ("lt1", "Kurang dari Rp1.000.000", "Less than Rp1,000,000"),
             ("1to2", "Rp1.000.000 – Rp2.000.000", "Rp1,000,000 – Rp2,000,000"),
             ("2to3", "Rp2.000.000 – Rp3.000.000", "Rp2,000,000 – Rp3,000,000"),
             ("3to5", "Rp3.000.000 – Rp5.000.000", "Rp3,000,000 – Rp5,000,000"),
             ("5to10", "Rp5.000.000 – Rp10.000.000", "Rp5,000,000 – Rp10,000,000"),
             ("gt10", "Lebih dari Rp10.000.000", "More than Rp10,000,000"),
         )),
    dict(code="start_date", kind="date", required=True, condition={"question": "status", "values": WORKS},
         min_value=-3660, max_value=0,
         text="Sejak tanggal berapa Anda bekerja atau menjalankan usaha ini?",
         text_en="Since what date have you had this job or business?"),
    dict(code="relevance", kind="scale", required=True, min_value=1, max_value=5,
         condition={"question": "status", "values": WORKS},
         text="Seberapa sesuai pekerjaan Anda dengan pelatihan yang Anda ikuti?",
         text_en="How relevant is the training you took to your work?",
         help_text="1 = tidak sesuai, 5 = sangat sesuai."),
    dict(code="looking", kind="single", required=True, condition={"question": "status", "values": ["not_working"]},
         text="Apakah Anda sedang mencari kerja atau menyiapkan usaha?",
         text_en="Are you looking for work or preparing a business?",
         choices=_choices(
             ("mencari_kerja", "Mencari kerja", "Looking for work"),
             ("menyiapkan_usaha", "Menyiapkan usaha", "Preparing a business"),
             ("melanjutkan_sekolah", "Melanjutkan sekolah/kuliah", "Continuing education"),
             ("tidak", "Tidak / lainnya", "No / other"),
         )),
    dict(code="notes", kind="text", required=False,
         text="Ada hal lain yang ingin Anda sampaikan tentang manfaat pelatihan?",
         text_en="Anything else you would like to say about what the training did for you?"),
]


def install(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    QuestionnaireVersion = apps.get_model("surveys", "QuestionnaireVersion")
    Question = apps.get_model("surveys", "Question")
    if Questionnaire.objects.filter(code=CODE).exists():
        return
    from django.utils import timezone

    questionnaire = Questionnaire.objects.create(code=CODE, title=TITLE, description=DESCRIPTION)
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, version=1, is_current=True,
                                                  published_at=timezone.now())
    Question.objects.bulk_create([
        Question(
            version=version, order=i, code=q["code"], kind=q["kind"], text=q["text"], text_en=q.get("text_en", ""),
            help_text=q.get("help_text", ""), required=q.get("required", True), choices=q.get("choices", []),
            min_value=q.get("min_value"), max_value=q.get("max_value"), condition=q.get("condition", {}),
        )
        for i, q in enumerate(QUESTIONS, start=1)
    ])


def uninstall(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Response = apps.get_model("surveys", "Response")
    questionnaire = Questionnaire.objects.filter(code=CODE).first()
    if questionnaire is None or Response.objects.filter(questionnaire=questionnaire).exists():
        return  # answered: keep it (responses point at its version)
    for version in questionnaire.versions.all():
        version.questions.all().delete()
        version.delete()
    questionnaire.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0003_question_condition"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
