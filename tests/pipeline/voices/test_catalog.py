"""The voices a server offers: the offline ones always, OpenAI's only with a key; each built once."""

from __future__ import annotations

import pytest

from errors import VoiceError
from pipeline.voices.base import Host, check_hosts
from pipeline.voices.catalog import SettingsVoiceCatalog, default_hosts
from settings import Settings


def test_offline_voices_are_offered_and_openai_s_only_with_a_key(settings: Settings) -> None:
    offline = [info.name for info in SettingsVoiceCatalog(settings).available()]
    assert offline == ["piper:joe", "hibari:heart", "piper:joe-pitched"]
    keyed = settings.model_copy(update={"openai_api_key": "sk-test", "openai_voices": "alloy,my-custom"})
    names = [info.name for info in SettingsVoiceCatalog(keyed).available()]
    assert names[:3] == offline and {"openai:alloy", "openai:nova", "openai:my-custom"} <= set(names)
    languages = {info.name: info.language for info in SettingsVoiceCatalog(keyed).available()}
    assert languages["piper:joe"] == "en" and languages["openai:nova"] == "multi"


def test_the_list_of_voices_is_the_caller_s_own(settings: Settings) -> None:
    catalog = SettingsVoiceCatalog(settings)
    catalog.available().clear()  # listed once per catalog: a caller's change must not reach the next caller
    assert len(catalog.available()) == 3


def test_a_voice_is_built_once_and_unknown_ones_are_refused(settings: Settings) -> None:
    catalog = SettingsVoiceCatalog(settings)
    assert catalog.voice("hibari:heart") is catalog.voice("hibari:heart")
    assert catalog.voice("piper:joe").cache_identity() != catalog.voice("piper:joe-pitched").cache_identity()
    with pytest.raises(VoiceError, match="no voice 'openai:nova'"):
        catalog.voice("openai:nova")


def test_default_hosts_and_host_checks(settings: Settings) -> None:
    assert default_hosts(settings) == (Host("Alex", "piper:joe"), Host("Sam", "hibari:heart"))
    chosen = settings.model_copy(update={"host_names": "Ada,Lin", "host_voices": "hibari:heart,piper:joe"})
    assert default_hosts(chosen) == (Host("Ada", "hibari:heart"), Host("Lin", "piper:joe"))
    catalog = SettingsVoiceCatalog(settings)
    check_hosts([Host("A", "piper:joe"), Host("B", "piper:joe")], catalog)  # one voice for both is allowed
    with pytest.raises(VoiceError, match=r"no voice 'hibari:emma'.*available: hibari:heart"):
        check_hosts([Host("A", "piper:joe"), Host("B", "hibari:emma")], catalog)
    with pytest.raises(VoiceError, match="different names"):
        check_hosts([Host("Sam", "piper:joe"), Host("sam", "hibari:heart")], catalog)
