"Every name that `from mmdr.sources import X` gave at 73162bb still imports from there: the face's four directly, the others with a warning naming their new home."
import importlib, re, warnings
import pytest

FACE = ["SourceError", "ExclusionReport", "cohort_from_frames", "cohort_from_manifest"]
PUBLIC_AT_73162BB = [   # mmdr/sources.py's __all__ at commit 73162bb
    'REASONS', 'EXCLUSION_COLUMNS', 'NEGATIONS', 'STOPWORDS', 'PAD', 'UNK', 'WINDOWS', 'FRAME_OPTIONS', 'VOCAB_NOTE',
    'MANIFEST_SETTINGS', 'MEASUREMENT_SETTINGS', 'SourceError', 'OptionalDependencyError', 'ExclusionReport',
    'resolve_on_error', 'Tokenizer', 'Vocab', 'image_format', 'ImageCache', 'image_cache', 'read_image',
    'PatientIndex', 'read_patients', 'static_features', 'measurement_steps', 'series_tensor', 'last_values',
    'note_tokens', 'image_tensors', 'FrameColumns', 'SeriesOptions', 'TextOptions', 'ImageOptions',
    'frame_options', 'cohort_from_frames', 'with_vocab', 'check_patient_split', 'manifest_files',
    'read_manifest_settings', 'cohort_from_manifest', 'read_noteevents', 'read_labevents', 'landmark_labels']


@pytest.mark.parametrize("name", PUBLIC_AT_73162BB)
def test_an_old_import_works_or_warns_with_the_new_place(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj = getattr(importlib.import_module("mmdr.sources"), name)
    moved = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    if name in FACE:
        assert not moved
        return
    assert len(moved) == 1, [str(w.message) for w in caught]
    home = re.match(r"mmdr\.sources\.\w+ moved to (mmdr\.\w+)\.", str(moved[0].message)).group(1)
    assert str(moved[0].message) == f"mmdr.sources.{name} moved to {home}.{name}; import it from there (see CHANGELOG.md)"
    assert getattr(importlib.import_module(home), name) is obj      # the warning's place really holds it


def test_the_face_exports_only_what_users_call():
    import mmdr.sources
    assert sorted(mmdr.sources.__all__) == sorted(FACE)
    with pytest.raises(AttributeError, match="no_such_name"): mmdr.sources.no_such_name
