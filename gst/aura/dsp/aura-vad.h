/* AURA — voice activity and pauses on the mono analysis signal.
 *
 * Plain C, no GStreamer types. Frames of 20 ms every 10 ms; the energy in the speech
 * band (150–4000 Hz) is compared with an adaptive noise floor (a 2 s minimum
 * tracker, refined by the mean of the frames near that minimum), with hysteresis,
 * so the decision follows the noise rather than a fixed dBFS threshold. A burst
 * shorter than 50 ms inside silence is not speech. A pause is a gap of at least
 * `min_pause` between two speech segments: leading and trailing silence never are.
 *
 * Times are seconds on the caller's clock: aura_vad_set_time() anchors it (the
 * element passes stream time), and it advances with every sample processed.
 */
#ifndef AURA_VAD_H
#define AURA_VAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct AuraVad AuraVad;

/* A stretch of time, in seconds on the caller's clock: a pause, a filled pause. */
typedef struct
{
  double start, end;
} AuraSpan;

typedef AuraSpan AuraPause;

/* What happened since the last aura_vad_take_interval(). */
typedef struct
{
  unsigned frames;              /* 10 ms frames analysed */
  unsigned speech_frames;       /* frames inside speech segments */
  unsigned active_frames;       /* frames above the speech threshold */
  double active_power;          /* mean power of active frames (linear) */
  unsigned pauses;              /* pauses that ended */
  double pause_time;            /* their total duration, s */
  double longest_pause;         /* s, 0 if none */
  int speaking;                 /* inside a speech segment at the end */
  double noise_floor_db;        /* noise estimate at the end, dB re full scale */
} AuraVadInterval;

typedef struct
{
  uint64_t frames, speech_frames, active_frames;
  double active_power;          /* mean power of active frames (linear) */
  double noise_power;           /* mean noise estimate over all frames (linear) */
  int has_speech;
  double speech_start, speech_end;      /* first onset, last offset (s) */
  double speech_time;           /* inside speech segments, s */
  uint64_t pauses;
  double pause_time, longest_pause;
} AuraVadSession;

/* What the VAD saw in one 10 ms frame, for analyses that follow it (pitch, pace,
 * fillers). */
typedef struct
{
  double time;                  /* start of the frame's hop, s */
  uint64_t sample_end;          /* samples processed (not declared silent) since
                                 * the clock was set, at the end of this frame */
  double power_db;              /* speech-band energy of the 20 ms window, dBFS */
  double noise_db;              /* noise floor estimate */
  int active;                   /* above the speech threshold */
  int speech;                   /* inside a speech segment (gaps shorter than
                                 * min-pause included, as far as known) */
  int silent;                   /* declared silence (GAP): no signal */
} AuraVadFrame;

typedef void (*AuraVadFrameFunc) (void *user_data, const AuraVadFrame * frame);

/* @rate: analysis rate (8000..48000); @min_pause: seconds (> 0). NULL if invalid. */
AuraVad *aura_vad_new (unsigned rate, double min_pause);
void aura_vad_free (AuraVad * v);
void aura_vad_set_min_pause (AuraVad * v, double min_pause);
/* Calls @func for every frame, once its decision is made. */
void aura_vad_set_frame_func (AuraVad * v, AuraVadFrameFunc func,
    void *user_data);

/* Sets the clock: the next sample is at @time seconds. Closes the current speech
 * segment without a pause (what lies between is unknown). */
void aura_vad_set_time (AuraVad * v, double time);

void aura_vad_process (AuraVad * v, const float *x, size_t n);
/* @n samples of declared silence (a GAP): counted as non-speech, not analysed. */
void aura_vad_silence (AuraVad * v, size_t n);
/* End of stream: closes the open segment (trailing silence is no pause). */
void aura_vad_finish (AuraVad * v);

void aura_vad_take_interval (AuraVad * v, AuraVadInterval * out);
/* Moves up to @max pauses found since the last call into @out; returns the count. */
size_t aura_vad_take_pauses (AuraVad * v, AuraPause * out, size_t max);
void aura_vad_get_session (const AuraVad * v, AuraVadSession * out);

/* Current clock (s) and whether a speech segment is open. */
double aura_vad_time (const AuraVad * v);

#endif /* AURA_VAD_H */
