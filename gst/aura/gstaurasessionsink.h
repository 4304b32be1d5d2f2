/* AURA — aurasessionsink: records a coaching session into an SQLite database. */
#ifndef __GST_AURA_SESSION_SINK_H__
#define __GST_AURA_SESSION_SINK_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS
#define GST_TYPE_AURA_SESSION_SINK (gst_aura_session_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstAuraSessionSink, gst_aura_session_sink, GST,
    AURA_SESSION_SINK, GstBaseSink);

GST_ELEMENT_REGISTER_DECLARE (aurasessionsink);

G_END_DECLS
#endif /* __GST_AURA_SESSION_SINK_H__ */
