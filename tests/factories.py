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

    jis_code = factory.Sequence(lambda n: f"26{201 + n:03d}")
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
