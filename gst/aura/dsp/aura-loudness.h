/* AURA — ITU-R BS.1770-4 / EBU R128 loudness meter.
 *
 * Plain C, no GStreamer types. Modelled on libebur128: an opaque state, explicit
 * new/configure/add/free, results read by getters. Memory is constant over any
 * session length: gating blocks go to fixed-resolution histograms (0.02 dB bins)
 * that keep each bin's exact energy sum, so the integrated loudness is exact but for
 * blocks within 0.02 dB of the relative gate.
 */
#ifndef AURA_LOUDNESS_H
#define AURA_LOUDNESS_H

#include <stddef.h>

#define AURA_LOUDNESS_MAX_CHANNELS 8

/* Weight of a channel in the BS.1770 sum (Table 3 of the recommendation). */
typedef enum
{
  AURA_CHANNEL_WEIGHT_FRONT = 0,        /* L, R, C and mono: G = 1.0 */
  AURA_CHANNEL_WEIGHT_SURROUND, /* Ls, Rs: G = 1.41 */
  AURA_CHANNEL_WEIGHT_NONE,     /* LFE: not measured */
} AuraChannelWeight;

typedef struct AuraLoudness AuraLoudness;

/* Peaks and maxima since the last aura_loudness_take_interval(). Linear values for
 * peaks, LUFS for loudness; -INFINITY where nothing was measured. */
typedef struct
{
  double true_peak;             /* max |x| of the 4x oversampled signal, linear */
  double momentary_max;         /* LUFS */
  double short_term_max;        /* LUFS */
} AuraLoudnessInterval;

AuraLoudness *aura_loudness_new (void);
void aura_loudness_free (AuraLoudness * m);

/* (Re)configures for a format. Keeps the session statistics (integrated, range,
 * session true peak); resets filters and the sliding windows. @weights may be NULL
 * (every channel FRONT). @true_peak enables the oversampled peak meter.
 * Returns 0 on success, -1 on invalid arguments (rate 0 or > 384000, channels 0 or
 * > AURA_LOUDNESS_MAX_CHANNELS). */
int aura_loudness_configure (AuraLoudness * m, unsigned rate, unsigned channels,
    const AuraChannelWeight * weights, int true_peak);

/* Adds @n_frames interleaved frames. Samples must be finite (the caller sanitizes). */
void aura_loudness_add_frames (AuraLoudness * m, const float *interleaved,
    size_t n_frames);

/* Forgets the filter state and sliding windows (a discontinuity in the stream),
 * keeping the session statistics. */
void aura_loudness_discont (AuraLoudness * m);

/* Momentary (400 ms) and short-term (3 s) loudness of the latest complete 100 ms
 * step, in LUFS; -INFINITY for digital silence. */
double aura_loudness_momentary (const AuraLoudness * m);
double aura_loudness_short_term (const AuraLoudness * m);

/* Integrated loudness (gated, BS.1770-4) in LUFS. Returns 0 and leaves *lufs alone
 * when no 400 ms block passed the gates, 1 otherwise. */
int aura_loudness_integrated (const AuraLoudness * m, double *lufs);

/* Loudness range (EBU Tech 3342) in LU. Returns 0 when no short-term value passed
 * the gates, 1 otherwise. */
int aura_loudness_range (const AuraLoudness * m, double *lu);

/* Session true peak (linear), max over channels. 0.0 before any sample. */
double aura_loudness_true_peak (const AuraLoudness * m);

/* Copies the interval maxima into @out and starts a new interval. */
void aura_loudness_take_interval (AuraLoudness * m, AuraLoudnessInterval * out);

#endif /* AURA_LOUDNESS_H */
