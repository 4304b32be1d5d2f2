/* AURA — the analysis engine: one object that takes interleaved samples of any
 * supported format and runs every measurement on them (levels, loudness, voice
 * activity, pauses, pitch, pace, filled pauses), interval by interval.
 *
 * Plain C, no GStreamer types, so the whole analysis can be tested and benchmarked
 * without a pipeline. The caller decides where intervals end (it splits its input
 * there) and keeps the clock: aura_analysis_set_time() anchors it after every
 * discontinuity.
 */
#ifndef AURA_ANALYSIS_H
#define AURA_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "aura-levels.h"
#include "aura-loudness.h"
#include "aura-prosody.h"
#include "aura-vad.h"

/* The rate speech features are computed at, whatever the input rate. */
#define AURA_ANALYSIS_RATE 16000

typedef enum
{
  AURA_SAMPLE_S16,
  AURA_SAMPLE_S32,
  AURA_SAMPLE_F32,
  AURA_SAMPLE_F64,
} AuraSampleFormat;

typedef struct AuraAnalysis AuraAnalysis;

typedef struct
{
  uint64_t frames;              /* input frames, including declared silence */
  AuraLevels levels;
  double momentary_lufs;        /* at the end of the interval; -INFINITY if silent */
  double short_term_lufs;
  int has_integrated, has_range;
  double integrated_lufs;       /* session so far */
  double range_lu;
  double true_peak;             /* linear, max over channels in the interval */
  AuraVadInterval vad;
  AuraProsodyInterval prosody;
} AuraIntervalResult;

typedef struct
{
  uint64_t frames;
  AuraLevels levels;
  int has_integrated, has_range;
  double integrated_lufs, range_lu;
  double true_peak;             /* linear */
  double momentary_max_lufs, short_term_max_lufs;       /* -INFINITY if none */
  AuraVadSession vad;
  AuraProsodySession prosody;
} AuraSessionResult;

/* Defaults of the speech settings. */
#define AURA_ANALYSIS_PITCH_FLOOR 60.0
#define AURA_ANALYSIS_PITCH_CEILING 500.0
#define AURA_ANALYSIS_WINDOW 10.0

AuraAnalysis *aura_analysis_new (double min_pause);
void aura_analysis_free (AuraAnalysis * a);

/* (Re)configures for a format; session totals are kept. @weights may be NULL.
 * Returns 0, or -1 for an unsupported rate (8000..192000) or channel count (1..8). */
int aura_analysis_configure (AuraAnalysis * a, AuraSampleFormat format,
    unsigned rate, unsigned channels, const AuraChannelWeight * weights,
    int true_peak);
void aura_analysis_set_min_pause (AuraAnalysis * a, double min_pause);
/* Each returns 0, or -1 for an invalid value (see aura-prosody.h). */
int aura_analysis_set_pitch_range (AuraAnalysis * a, double floor_hz,
    double ceiling_hz);
int aura_analysis_set_window (AuraAnalysis * a, double seconds);

/* A discontinuity: the next frame is at @seconds. Sliding windows and filters
 * restart; no pause spans the discontinuity. */
void aura_analysis_set_time (AuraAnalysis * a, double seconds);

void aura_analysis_process (AuraAnalysis * a, const void *data, size_t frames);
/* @frames of declared silence (a GAP in the stream). */
void aura_analysis_silence (AuraAnalysis * a, size_t frames);
/* End of stream: the open speech segment ends. */
void aura_analysis_finish (AuraAnalysis * a);

void aura_analysis_take_interval (AuraAnalysis * a, AuraIntervalResult * out);
size_t aura_analysis_take_pauses (AuraAnalysis * a, AuraPause * out,
    size_t max);
size_t aura_analysis_take_fillers (AuraAnalysis * a, AuraSpan * out,
    size_t max);
/* NaN/Inf samples seen in the session so far (cheap: for per-buffer checks). */
uint64_t aura_analysis_invalid_samples (const AuraAnalysis * a);

/* Totals of the session, intervals taken or not. */
void aura_analysis_get_session (AuraAnalysis * a, AuraSessionResult * out);

#endif /* AURA_ANALYSIS_H */
