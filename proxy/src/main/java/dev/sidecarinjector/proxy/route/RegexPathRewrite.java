package dev.sidecarinjector.proxy.route;

import com.google.re2j.Pattern;
import dev.sidecarinjector.api.snapshot.Re2Regex;
import dev.sidecarinjector.api.snapshot.Rewrite;

/**
 * VirtualService {@code rewrite.uriRegexRewrite} as Envoy's {@code regex_rewrite}: every part of the path (not the
 * query, which stays) that the RE2 regex matches is replaced by the substitution, {@code \0}..{@code \9} standing
 * for the match and its groups and {@code \\} for a backslash. Compiled once per snapshot.
 */
public final class RegexPathRewrite {

    private final Pattern pattern;
    /** The substitution in re2j's syntax ({@code $1}, an escaped {@code $} and backslash). */
    private final String replacement;

    private RegexPathRewrite(Pattern pattern, String replacement) {
        this.pattern = pattern;
        this.replacement = replacement;
    }

    /** The route's regex rewrite, or null when it has none. */
    static RegexPathRewrite of(Rewrite rewrite) {
        if (rewrite == null || rewrite.regexMatch() == null) {
            return null;
        }
        return new RegexPathRewrite(Re2Regex.compile(rewrite.regexMatch()), replacement(rewrite.regexRewrite()));
    }

    /** Envoy's substitution (RE2's: {@code \1}, {@code \\}) in re2j's ({@code $1}, {@code \\}, {@code \$}). */
    static String replacement(String substitution) {
        var out = new StringBuilder(substitution.length() + 8);
        for (var i = 0; i < substitution.length(); i++) {
            var c = substitution.charAt(i);
            if (c == '\\' && i + 1 < substitution.length()) {
                var next = substitution.charAt(++i);
                out.append(next >= '0' && next <= '9' ? "$" + next : "\\" + next);
            } else if (c == '$' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The new request target for {@code request}: its path rewritten, its query as it was. */
    public String rewrite(HttpRequestLine request) {
        var path = pattern.matcher(request.path()).replaceAll(replacement);
        return request.query() == null ? path : path + "?" + request.query();
    }
}
