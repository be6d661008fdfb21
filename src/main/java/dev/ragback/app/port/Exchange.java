package dev.ragback.app.port;

/**
 * One HTTP try with an outside service, kept for the evaluation's audit file: the request body as
 * sent (never a header, so never a key), and the answer or what went wrong instead.
 *
 * @param request  the request body
 * @param status   the HTTP status; 0 when no answer came
 * @param response the response body; {@code null} when no answer came
 * @param failure  why no answer came (timeout, refused connection); {@code null} when one did
 * @param millis   how long the try took
 */
public record Exchange(String request, int status, String response, String failure, long millis) {
}
