"""Installs the default questionnaire, the work-readiness survey (survei kesiapan kerja), version 1,
so that every database has it. Its content is frozen here: later changes are new versions published
with ``surveys.services.questionnaire_publish_version`` (old responses keep pointing at version 1).

Forward is idempotent (nothing happens when the questionnaire exists). Backward removes it only while
nobody has answered it; answered questionnaires are kept.
"""

from django.db import migrations

CODE = "kesiapan-kerja"
TITLE = "Survei kesiapan kerja"
DESCRIPTION = (
    "Survei singkat untuk peserta dan alumni pelatihan tentang kesiapan bekerja. Jawaban Anda membantu "
    "lembaga pelatihan dan Disnaker menghubungkan Anda dengan lowongan dan layanan penempatan. "
    "Mengisi survei ini adalah salah satu syarat terbitnya sertifikat pelatihan."
)


def _choices(*rows):
    return [{"value": v, "label": label, "label_en": label_en} for v, label, label_en in rows]


QUESTIONS = [
    dict(code="kegiatan_saat_ini", kind="single", required=True,
         text="Apa kegiatan utama Anda saat ini?", text_en="What is your main activity at the moment?",
         choices=_choices(
             ("bekerja", "Bekerja (karyawan/buruh)", "Working (employee)"),
             ("berwirausaha", "Berwirausaha", "Self-employed / running a business"),
             ("mencari_kerja", "Mencari kerja", "Looking for work"),
             ("melanjutkan_sekolah", "Melanjutkan sekolah/kuliah", "Continuing education"),
             ("lainnya", "Lainnya", "Other"),
         )),
    dict(code="keyakinan_bekerja", kind="scale", required=True, min_value=1, max_value=5,
         text="Seberapa yakin Anda mampu bekerja di bidang pelatihan ini?",
         text_en="How confident are you that you can work in the field of this training?",
         help_text="1 = tidak yakin, 5 = sangat yakin."),
    dict(code="kesediaan_pindah", kind="single", required=True,
         text="Di mana Anda bersedia bekerja?", text_en="Where are you willing to work?",
         choices=_choices(
             ("dalam_kabupaten", "Hanya di kabupaten/kota tempat tinggal", "Only in my own regency/city"),
             ("dalam_provinsi", "Di provinsi tempat tinggal", "Within my province"),
             ("antar_provinsi", "Di provinsi lain", "In another province"),
             ("luar_negeri", "Di luar negeri", "Abroad"),
             ("tidak_bersedia", "Tidak bersedia bekerja di luar rumah/tempat usaha sendiri", "Not willing to work away from home/my own business"),
         )),
    dict(code="gaji_harapan", kind="number", required=True, min_value=0, max_value=1_000_000_000,
         text="Berapa gaji per bulan yang Anda harapkan (rupiah)?",
         text_en="What monthly wage do you expect (rupiah)?",
         help_text="Contoh: 3.500.000"),
    dict(code="siap_mulai", kind="date", required=True, min_value=0, max_value=366,
         text="Mulai tanggal berapa Anda siap bekerja?", text_en="From what date are you available to start work?",
         help_text="Hari ini atau sesudahnya, paling lambat setahun ke depan."),
    dict(code="saluran_cari_kerja", kind="multiple", required=True,
         text="Melalui apa saja Anda mencari kerja?", text_en="Which channels do you use to look for work?",
         help_text="Boleh pilih lebih dari satu.",
         choices=_choices(
             ("karirhub", "Karirhub / SIAPkerja Kemnaker", "Karirhub / SIAPkerja (Ministry of Manpower)"),
             ("media_sosial", "Media sosial", "Social media"),
             ("bursa_kerja", "Bursa kerja / job fair / BKK sekolah", "Job fairs / school placement offices"),
             ("keluarga_teman", "Keluarga atau teman", "Family or friends"),
             ("lainnya", "Lainnya", "Other"),
             ("belum_mencari", "Belum mencari kerja", "Not looking yet"),
         )),
    dict(code="bantuan_penempatan", kind="single", required=True,
         text="Apakah Anda memerlukan bantuan penempatan kerja dari Disnaker atau lembaga pelatihan?",
         text_en="Do you need job placement help from the manpower office or the training institution?",
         choices=_choices(("ya", "Ya", "Yes"), ("tidak", "Tidak", "No"))),
    dict(code="cv_siap", kind="single", required=True,
         text="Apakah Anda sudah memiliki daftar riwayat hidup (CV) yang siap dikirim?",
         text_en="Do you have a CV ready to send?",
         choices=_choices(("ya", "Sudah", "Yes"), ("belum", "Belum", "Not yet"))),
    dict(code="keterampilan_dibutuhkan", kind="text", required=False,
         text="Keterampilan apa yang masih Anda perlukan untuk bekerja?",
         text_en="Which skills do you still need in order to work?"),
    dict(code="kebutuhan_akomodasi", kind="text", required=False,
         text="Apakah Anda memerlukan penyesuaian di tempat kerja (misalnya karena disabilitas)? Jelaskan bila ada.",
         text_en="Do you need any adjustments at work (e.g. because of a disability)? Describe them if so."),
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
            min_value=q.get("min_value"), max_value=q.get("max_value"),
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
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
