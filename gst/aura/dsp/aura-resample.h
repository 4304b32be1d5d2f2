/* AURA — mono mix and sample-rate conversion to the speech analysis rate.
 *
 * Speech features (voice activity, pauses, later pitch and pace) are computed on one
 * mono signal at a fixed rate whatever the input. The channels are averaged, a
 * 8th-order Butterworth low-pass at 0.45 x the output rate removes what would alias
 * when the rate goes down, and linear interpolation on an exact rational clock
 * (no drift over hours) picks the output samples. That is coarse for music but
 * transparent for speech features, which all sit well below the output Nyquist.
 */
#ifndef AURA_RESAMPLE_H
#define AURA_RESAMPLE_H

#include <stddef.h>

typedef struct AuraResampler AuraResampler;

/* Returns NULL on invalid arguments (a zero rate or channel count). */
AuraResampler *aura_resampler_new (unsigned in_rate, unsigned channels,
    unsigned out_rate);
void aura_resampler_free (AuraResampler * r);

/* Upper bound of the output samples that @in_frames input frames produce. */
size_t aura_resampler_max_output (const AuraResampler * r, size_t in_frames);

/* Mixes and converts @in_frames interleaved frames; writes the mono output to @out
 * (room for aura_resampler_max_output()) and returns how many samples it wrote. */
size_t aura_resampler_process (AuraResampler * r, const float *interleaved,
    size_t in_frames, float *out);

/* Forgets the filter state and the fractional position (a discontinuity). */
void aura_resampler_reset (AuraResampler * r);

#endif /* AURA_RESAMPLE_H */
