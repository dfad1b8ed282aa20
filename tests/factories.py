"""factory_boy factories shared by every app's tests."""

import factory
from django.utils import timezone

from renkei.core.models import (
    AreaGroup,
    DailyLivingArea,
    Membership,
    Municipality,
    Organization,
    Prefecture,
    Role,
    TOTPDevice,
    User,
)
from renkei.core.services.places import local_government_code

PASSWORD = "Correct-Horse-42!"


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prefecture
        django_get_or_create = ("code",)

    code = "26"
    local_government_code = factory.LazyAttribute(lambda o: local_government_code(o.code + "000"))
    name = "京都府"
    kana = "キョウトフ"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("jis_code",)

    # Cycles within 26201–26998 so a long session never makes a 6-digit code (the database rolls back per test).
    jis_code = factory.Sequence(lambda n: f"26{201 + n % 798:03d}")
    code = factory.LazyAttribute(lambda o: local_government_code(o.jis_code))
    prefecture = factory.SubFactory(PrefectureFactory)
    name = factory.Sequence(lambda n: f"テスト市{n}")
    kana = "テストシ"
    kind = Municipality.Kind.CITY


class DailyLivingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyLivingArea

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"圏域{n}")


class AreaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaGroup

    kind = AreaGroup.Kind.SECONDARY_MEDICAL_AREA
    name = factory.Sequence(lambda n: f"医療圏{n}")
    prefecture = factory.SubFactory(PrefectureFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.CLINIC
    name = factory.Sequence(lambda n: f"テスト診療所{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    prefecture = factory.LazyAttribute(lambda o: o.municipality.prefecture if o.municipality else
                                       PrefectureFactory())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MUNICIPAL_STAFF


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    confirmed_at = factory.LazyFunction(timezone.now)


# --- directory -----------------------------------------------------------------------------------

class FacilityFactory(factory.django.DjangoModelFactory):
    """A clinic in the municipality, positioned in central 福知山 unless told otherwise."""

    class Meta:
        model = "directory.Facility"

    kind = "clinic"
    name = factory.Sequence(lambda n: f"テスト医院{n}")
    kana = factory.Sequence(lambda n: f"テストイイン{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    prefecture = factory.LazyAttribute(lambda o: o.municipality.prefecture)
    address = factory.Sequence(lambda n: f"京都府福知山市字内記{n}")
    phone = "0773-22-0000"
    latitude = 35.2966
    longitude = 135.1264
    coordinate_source = "manual"
    coordinate_quality = "address"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from renkei.directory.services.facilities import refresh_derived_fields

        facility = model_class(*args, **kwargs)
        refresh_derived_fields(facility)
        facility.save()
        return facility


def set_details(facility, **answers):
    """Give a facility confirmed collaboration details, e.g. set_details(f, scheduled_home_visit=True)."""
    from renkei.directory.services.facilities import collaboration_details_confirm

    return collaboration_details_confirm(facility=facility, answers=answers, confirmed_by="テスト")
