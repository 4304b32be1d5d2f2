/* AURA — the conversation across the speakers of one session: each
 * participant's aura-summary (speech start and end, pauses) becomes speech
 * spans for aura-conversation.h, and the result the `conversation` JSON object
 * of docs/conversation.md. Used by aurasessionsink at end of stream.
 */
#ifndef __AURA_SPEAKERS_H__
#define __AURA_SPEAKERS_H__

#include <json-glib/json-glib.h>

G_BEGIN_DECLS
/* Gaps of one speaker shorter than this do not end their turn. */
#define AURA_SPEAKERS_MIN_GAP 1.0
typedef struct _AuraSpeakers AuraSpeakers;

AuraSpeakers *aura_speakers_new (void);
void aura_speakers_free (AuraSpeakers * sp);

/* Records @speaker's speech from their summary (the aura-summary JSON, with
 * speech_start, speech_end and pause_list in stream seconds). A later summary
 * of the same speaker replaces the earlier one. */
void aura_speakers_add_summary (AuraSpeakers * sp, const gchar * speaker,
    JsonObject * summary);

guint aura_speakers_count (AuraSpeakers * sp);

/* The conversation object (type "aura-conversation"), or NULL with fewer
 * than two speakers. */
JsonObject *aura_speakers_conversation (AuraSpeakers * sp);

G_END_DECLS
#endif /* __AURA_SPEAKERS_H__ */
