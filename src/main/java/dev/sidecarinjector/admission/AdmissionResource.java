package dev.sidecarinjector.admission;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Adapts HTTP to {@link AdmissionHandler}: {@code POST /inject} and its alias {@code POST /mutate}. Nothing else
 * lives here; {@code JsonPostOnly} has already refused other methods, media types and encodings.
 */
@Path("/")
public class AdmissionResource {

    private final AdmissionHandler handler;

    public AdmissionResource(AdmissionHandler handler) {
        this.handler = handler;
    }

    @POST
    @NonBlocking
    @Path("inject")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response inject(byte[] body) {
        try {
            // Encoded here: RESTEasy then copies bytes instead of choosing and running a writer for a JSON tree.
            return Response.ok(AdmissionReviewCodec.encode(handler.handle(body))).build();
        } catch (BadReviewException e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(AdmissionReviewCodec.error(e.getMessage())).build();
        }
    }

    @POST
    @NonBlocking
    @Path("mutate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response mutate(byte[] body) {
        return inject(body);
    }
}
