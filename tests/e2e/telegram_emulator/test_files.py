"""Uploads and downloads through python-telegram-bot: byte-identical round trips and limits."""

from __future__ import annotations

import io

import aiohttp
import pytest
from PIL import Image
from telegram import Bot, InputMediaAudio, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from telegram.error import BadRequest, NetworkError

from adapters.telegram.emulator import AlbumItem, SimUser, TelegramEmulator
from tests.e2e.telegram_emulator.helpers import blob, jpeg, png, sha256

MIB = 1024 * 1024


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    return bytes(await file.download_as_bytearray())


async def test_photo_gets_several_sizes_and_the_original_round_trips(
    bot: Bot, user: SimUser
) -> None:
    original = png(1000, 600)
    sent = await bot.send_photo(user.id, original, caption="screenshot")
    sizes = [(p.width, p.height) for p in sent.photo]
    assert sizes == [(90, 54), (320, 192), (800, 480), (1000, 600)]
    assert len({p.file_unique_id for p in sent.photo}) == 4
    assert sha256(await _download(bot, sent.photo[-1].file_id)) == sha256(original)
    thumb = Image.open(io.BytesIO(await _download(bot, sent.photo[0].file_id)))
    assert (thumb.format, thumb.size) == ("JPEG", (90, 54))
    assert sent.caption == "screenshot"


async def test_document_round_trip_keeps_name_and_type(bot: Bot, user: SimUser) -> None:
    data = blob(300_000)
    sent = await bot.send_document(user.id, data, filename="report.pdf")
    document = sent.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "report.pdf",
        "application/pdf",
        300_000,
    )
    assert sha256(await _download(bot, document.file_id)) == sha256(data)
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None
    assert file.file_path.endswith(".pdf")
    assert file.file_path.startswith(f"{bot.base_file_url}/documents/")


async def test_video_voice_audio_round_trips(bot: Bot, user: SimUser) -> None:
    video, voice, audio = blob(50_000, 1), blob(20_000, 2), blob(40_000, 3)
    sent_video = await bot.send_video(user.id, video, duration=3, width=640, height=360)
    sent_voice = await bot.send_voice(user.id, voice, duration=2)
    sent_audio = await bot.send_audio(
        user.id, audio, duration=4, performer="Band", title="Song", filename="song.mp3"
    )
    assert sent_video.video is not None
    assert sent_voice.voice is not None
    assert sent_audio.audio is not None
    assert (sent_video.video.width, sent_video.video.duration.total_seconds()) == (640, 3)  # type: ignore[union-attr]
    assert sent_voice.voice.mime_type == "audio/ogg"
    assert (sent_audio.audio.performer, sent_audio.audio.title) == ("Band", "Song")
    assert sha256(await _download(bot, sent_video.video.file_id)) == sha256(video)
    assert sha256(await _download(bot, sent_voice.voice.file_id)) == sha256(voice)
    assert sha256(await _download(bot, sent_audio.audio.file_id)) == sha256(audio)


async def test_video_note_round_trip(bot: Bot, user: SimUser) -> None:
    data = blob(30_000, 11)
    sent = await bot.send_video_note(user.id, data, duration=5, length=240)
    assert sent.video_note is not None
    assert (sent.video_note.length, sent.video_note.file_size) == (240, 30_000)
    assert sha256(await _download(bot, sent.video_note.file_id)) == sha256(data)


async def test_media_group_round_trip(bot: Bot, user: SimUser) -> None:
    first, second, video = png(300, 200), jpeg(), blob(10_000)
    sent = await bot.send_media_group(
        user.id,
        [
            InputMediaPhoto(first, caption="<b>one</b>", parse_mode="HTML"),
            InputMediaPhoto(second),
            InputMediaVideo(video),
        ],
    )
    assert len(sent) == 3
    assert len({m.media_group_id for m in sent}) == 1
    assert sent[0].media_group_id
    assert sent[0].caption == "one"
    assert sent[0].caption_entities[0].type == "bold"
    assert sha256(await _download(bot, sent[0].photo[-1].file_id)) == sha256(first)
    assert sha256(await _download(bot, sent[1].photo[-1].file_id)) == sha256(second)
    assert sent[2].video is not None
    assert sha256(await _download(bot, sent[2].video.file_id)) == sha256(video)
    assert [m.media_group_id for m in user.bot_messages()] == [sent[0].media_group_id] * 3


async def test_media_group_rules(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(user.id, [InputMediaPhoto(jpeg()) for _ in range(11)])
    with pytest.raises(BadRequest, match="Document can't be mixed with other media types"):
        await bot.send_media_group(
            user.id, [InputMediaPhoto(jpeg()), InputMediaDocument(blob(10), filename="a.txt")]
        )
    audio_album = await bot.send_media_group(
        user.id, [InputMediaAudio(blob(10, 1)), InputMediaAudio(blob(10, 2))]
    )
    assert all(m.audio is not None for m in audio_album)
    # A single item is sent as an ordinary message, as TDLib does.
    single = await bot.send_media_group(user.id, [InputMediaPhoto(jpeg())])
    assert len(single) == 1
    assert single[0].media_group_id is None


async def test_user_uploads_reach_the_bot_byte_identical(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    photo, document, voice, note, audio, video = (
        png(640, 480),
        blob(5000, 4),
        blob(3000, 5),
        blob(4000, 6),
        blob(6000, 7),
        blob(7000, 8),
    )
    user.send_photo(photo, caption="broken screen")
    user.send_document(document, "logs.zip")
    user.send_voice(voice)
    user.send_video_note(note)
    user.send_audio(audio, title="Recording")
    user.send_video(video)
    updates = (await bot.get_updates())[1:]  # [0] is the /start of the fixture
    photo_msg, doc_msg, voice_msg, note_msg, audio_msg, video_msg = [
        u.message for u in updates if u.message is not None
    ]
    assert [(p.width, p.height) for p in photo_msg.photo] == [(90, 68), (320, 240), (640, 480)]
    assert photo_msg.caption == "broken screen"
    assert doc_msg.document is not None
    assert (doc_msg.document.file_name, doc_msg.document.mime_type) == (
        "logs.zip",
        "application/zip",
    )
    assert voice_msg.voice is not None
    assert note_msg.video_note is not None
    assert audio_msg.audio is not None
    assert video_msg.video is not None
    for file_id, data in [
        (photo_msg.photo[-1].file_id, photo),
        (doc_msg.document.file_id, document),
        (voice_msg.voice.file_id, voice),
        (note_msg.video_note.file_id, note),
        (audio_msg.audio.file_id, audio),
        (video_msg.video.file_id, video),
    ]:
        assert sha256(await _download(bot, file_id)) == sha256(data)


async def test_user_album_arrives_as_separate_updates(bot: Bot, user: SimUser) -> None:
    pictures = [png(200, 100, (i * 40, 0, 0)) for i in range(3)]
    user.send_album(
        [
            AlbumItem("photo", data, caption="three photos" if i == 0 else None)
            for i, data in enumerate(pictures)
        ]
    )
    updates = (await bot.get_updates())[1:]
    assert len(updates) == 3
    group_ids = {u.message.media_group_id for u in updates if u.message}
    assert len(group_ids) == 1
    assert None not in group_ids
    for update, data in zip(updates, pictures, strict=True):
        assert update.message is not None
        assert sha256(await _download(bot, update.message.photo[-1].file_id)) == sha256(data)


async def test_sending_by_file_id_reuses_the_stored_file(bot: Bot, user: SimUser) -> None:
    first = await bot.send_photo(user.id, png(500, 500))
    again = await bot.send_photo(user.id, first.photo[0].file_id)
    assert [p.file_unique_id for p in again.photo] == [p.file_unique_id for p in first.photo]
    doc = await bot.send_document(user.id, blob(100), filename="a.txt")
    assert doc.document is not None
    resent = await bot.send_document(user.id, doc.document.file_id)
    assert resent.document is not None
    assert resent.document.file_unique_id == doc.document.file_unique_id
    with pytest.raises(BadRequest, match="Can't use file of type document as photo"):
        await bot.send_photo(user.id, doc.document.file_id)
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(user.id, "AgACAgIAAxkBAAIunknown")
    with pytest.raises(BadRequest, match="Failed to get http url content"):
        await bot.send_photo(user.id, "https://example.com/cat.jpg")


async def test_download_limit_is_20_mib(bot: Bot, user: SimUser) -> None:
    user.send_document(blob(20 * MIB, 9), "exactly-20.bin")
    user.send_document(blob(20 * MIB + 1, 9), "too-big.bin")
    updates = (await bot.get_updates())[1:]
    fits, too_big = (u.message.document for u in updates if u.message)
    assert fits is not None
    assert too_big is not None
    assert len(await _download(bot, fits.file_id)) == 20 * MIB
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(too_big.file_id)


async def test_upload_limits(emu: TelegramEmulator, bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="is too big for a photo; the maximum size is 10485760"):
        await bot.send_photo(user.id, blob(10 * MIB + 1))
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await bot.send_document(user.id, blob(50 * MIB + 1), filename="huge.bin")
    assert emu.calls("sendDocument")[-1].status == 413
    sent = await bot.send_document(user.id, blob(MIB), filename="fine.bin")
    assert sent.document is not None
    assert sent.document.file_size == MIB


async def test_bad_images_and_ids(bot: Bot, user: SimUser) -> None:
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(user.id, b"not an image at all")
    with pytest.raises(BadRequest, match="Photo_invalid_dimensions"):
        await bot.send_photo(user.id, png(2100, 100))
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    with pytest.raises(BadRequest, match="File must be non-empty"):
        await bot.send_document(user.id, b"", filename="empty.txt")


async def test_download_route_checks_token_and_path(
    emu: TelegramEmulator, bot: Bot, user: SimUser
) -> None:
    sent = await bot.send_document(user.id, b"hello", filename="hello.txt")
    assert sent.document is not None
    file = await bot.get_file(sent.document.file_id)
    path = (file.file_path or "").removeprefix(bot.base_file_url + "/")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.file_base_url}{emu.token}/{path}") as response:
            assert (response.status, await response.read()) == (200, b"hello")
        async with http.get(f"{emu.file_base_url}{emu.token}/documents/nothing.txt") as response:
            assert response.status == 404
        bot_id = emu.token.split(":")[0]
        async with http.get(f"{emu.file_base_url}{bot_id}:{'B' * 35}/{path}") as response:
            assert response.status == 401
