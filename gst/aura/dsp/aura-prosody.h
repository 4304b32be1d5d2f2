/* AURA — prosody: pitch statistics and monotony, pace (syllable nuclei) and
 * filled pauses, computed frame by frame behind the voice activity detector.
 *
 * Plain C, no GStreamer types. The caller pushes the mono analysis signal with
 * aura_prosody_push() *before* the VAD sees it, and forwards every AuraVadFrame
 * the VAD emits to aura_prosody_frame(); pitch is estimated every 20 ms, only on
 * frames that may hold speech, so silence costs nothing.
 *
 * - Pitch: YIN (aura-pitch.h). Median/min/max per interval; percentiles of the
 *   session from a 0.1-semitone histogram (constant memory); variability = standard
 *   deviation in semitones of the voiced frames over the last `window` seconds.
 * - Pace: syllable nuclei as in De Jong & Wempe (2009): peaks of the intensity
 *   (speech-band energy smoothed over 50 ms) that rise and fall by at least 2 dB
 *   around them, lie above the speech threshold and are voiced. Rates over the
 *   last `window` seconds: per second of speaking time (articulation rate) and
 *   per second since speech began in the window (pauses included).
 * - Filled pauses ("uh", "um", "euh"; Goto et al. 1999): a voiced stretch of at
 *   least AURA_FILLER_MIN_S whose pitch stays within a semitone of its mean and
 *   whose spectral tilt (energy below/above 1 kHz) stays within a few dB: a held
 *   vowel rather than a word. Language-independent; see docs/metrics.md for limits.
 */
#ifndef AURA_PROSODY_H
#define AURA_PROSODY_H

#include <stddef.h>
#include <stdint.h>

#include "aura-vad.h"

#define AURA_FILLER_MIN_S 0.30

typedef struct AuraProsody AuraProsody;

typedef struct
{
  unsigned speech_frames;       /* 20 ms pitch frames inside speech */
  unsigned voiced_frames;       /* of which voiced */
  int has_pitch;                /* any voiced frame in the interval */
  double pitch_median_hz, pitch_min_hz, pitch_max_hz;
  int has_variability;          /* enough voiced frames in the window */
  double variability_st;
  int has_pace;                 /* speech in the window */
  double syllable_rate;         /* syllables per second of speaking time */
  double speech_rate;           /* syllables per second, pauses included */
  unsigned syllables;           /* nuclei found in the interval */
  unsigned fillers;             /* filled pauses that ended in the interval */
} AuraProsodyInterval;

typedef struct
{
  uint64_t speech_frames, voiced_frames;
  int has_pitch;
  double pitch_median_hz, pitch_p10_hz, pitch_p90_hz;
  int has_variability;
  double variability_st;        /* over every voiced frame of the session */
  uint64_t syllables;
  uint64_t fillers;
  double filler_time;
} AuraProsodySession;

/* @rate: rate of the pushed signal (16000); pitch range in Hz (see aura-pitch.h);
 * @window: seconds (2..60). NULL if invalid. */
AuraProsody *aura_prosody_new (unsigned rate, double pitch_floor,
    double pitch_ceiling, double window);
void aura_prosody_free (AuraProsody * p);
/* Each returns 0, or -1 for an invalid value (the old one stays). */
int aura_prosody_set_pitch_range (AuraProsody * p, double floor_hz,
    double ceiling_hz);
int aura_prosody_set_window (AuraProsody * p, double window);

void aura_prosody_push (AuraProsody * p, const float *x, size_t n);
/* An AuraVadFrameFunc: the VAD's frames, in order. */
void aura_prosody_frame (void *prosody, const AuraVadFrame * frame);
/* A discontinuity: the signal restarts (statistics are kept). */
void aura_prosody_reset (AuraProsody * p);
/* End of stream: closes an open filled pause. */
void aura_prosody_finish (AuraProsody * p);

void aura_prosody_take_interval (AuraProsody * p, AuraProsodyInterval * out);
size_t aura_prosody_take_fillers (AuraProsody * p, AuraSpan * out, size_t max);
void aura_prosody_get_session (const AuraProsody * p, AuraProsodySession * out);

/* Words per syllable factor for words per minute: syllables per word of the
 * language ("en", "fr"; documented in docs/metrics.md), 0 if unknown. */
double aura_syllables_per_word (const char *language);

#endif /* AURA_PROSODY_H */
