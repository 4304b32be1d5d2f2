/* AURA — aurafeedback: localized live coaching from auraanalyzer's metrics. */
#ifndef __GST_AURA_FEEDBACK_H__
#define __GST_AURA_FEEDBACK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_AURA_FEEDBACK (gst_aura_feedback_get_type ())
G_DECLARE_FINAL_TYPE (GstAuraFeedback, gst_aura_feedback, GST, AURA_FEEDBACK,
    GstElement);

GST_ELEMENT_REGISTER_DECLARE (aurafeedback);

G_END_DECLS
#endif /* __GST_AURA_FEEDBACK_H__ */
