package dev.sidecarinjector.proxy.policy;

import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.snapshot.AuthzAttribute;
import dev.sidecarinjector.api.snapshot.AuthzCondition;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One condition compiled: the attribute's value in the request matches one of {@code values} (when there are any)
 * and none of {@code notValues}, each matched as Istio's generator for that attribute makes Envoy match it.
 */
final class ValueCheck implements Check {

    private final AuthzAttribute attribute;
    private final String name;
    private final Matcher values;
    private final Matcher notValues;

    private ValueCheck(AuthzAttribute attribute, String name, Matcher values, Matcher notValues) {
        this.attribute = attribute;
        this.name = name;
        this.values = values;
        this.notValues = notValues;
    }

    static ValueCheck compile(AuthzCondition condition) {
        var attribute = condition.attribute();
        var name = attribute.named() ? String.join(RequestAuth.NESTED_CLAIM, condition.names()) : null;
        return new ValueCheck(attribute, name, matcher(attribute, condition.values()), matcher(attribute, condition.notValues()));
    }

    @Override
    public boolean passes(AccessRequest request) {
        return (values == null || values.any(this, request)) && (notValues == null || !notValues.any(this, request));
    }

    /** The request's string value of the attribute, or null when it has none. */
    String text(AccessRequest r) {
        return switch (attribute) {
            case SOURCE_PRINCIPAL -> r.principal();
            case HOST -> r.host();
            case METHOD -> r.method();
            case PATH -> r.path();
            case REQUEST_HEADER -> r.headers() == null ? null : r.headers().get(name);
            case REQUEST_PRESENTER -> r.auth() == null ? null : r.auth().presenter();
            default -> throw new IllegalStateException(attribute + " is not a string attribute");
        };
    }

    /** The request's values of a list attribute (a JWT's audiences or claim), empty when none. */
    List<String> list(AccessRequest r) {
        if (r.auth() == null) {
            return List.of();
        }
        var values = attribute == AuthzAttribute.REQUEST_AUDIENCES ? r.auth().audiences() : r.auth().claims().get(name);
        return values == null ? List.of() : values;
    }

    /** Matches one list (values or notValues) of one attribute: true when any value matches. */
    private interface Matcher {
        boolean any(ValueCheck check, AccessRequest request);
    }

    private static Matcher matcher(AuthzAttribute attribute, List<String> written) {
        if (written.isEmpty()) {
            return null;
        }
        return switch (attribute) {
            case SOURCE_IP, REMOTE_IP, DESTINATION_IP -> new Addresses(attribute, cidrs(written));
            case DESTINATION_PORT -> new Ports(ports(written));
            case SOURCE_NAMESPACE -> new Namespaces(namespaces(written));
            case SOURCE_SERVICE_ACCOUNT -> new ServiceAccounts(written.toArray(String[]::new));
            case REQUEST_PRINCIPAL -> new RequestPrincipals(requestPrincipals(written));
            case REQUEST_HEADER -> new Strings(patterns(written, false), true);
            case HOST -> new Strings(patterns(written, true), true);
            case METHOD -> new Strings(patterns(written, false), true);
            case REQUEST_AUDIENCES, REQUEST_CLAIM -> new Lists(patterns(written, false));
            case SOURCE_PRINCIPAL, PATH, REQUEST_PRESENTER -> new Strings(patterns(written, false), false);
        };
    }

    private static ValuePattern[] patterns(List<String> written, boolean ignoreCase) {
        var out = new ValuePattern[written.size()];
        for (var i = 0; i < out.length; i++) {
            out[i] = ValuePattern.of(written.get(i), ignoreCase);
        }
        return out;
    }

    /**
     * String values. {@code presence}: {@code *} means the header is there even when empty (Envoy's present match, as
     * Istio uses for headers, hosts and methods); elsewhere it means a value that is not empty.
     */
    private record Strings(ValuePattern[] patterns, boolean presence) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            var value = check.text(request);
            if (value == null) {
                return false;
            }
            for (var pattern : patterns) {
                if (presence && pattern.kind() == ValuePattern.Kind.ANY || pattern.matches(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A list of strings (JWT audiences, a claim): one element matching one pattern is enough, as Envoy's list match. */
    private record Lists(ValuePattern[] patterns) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            for (var element : check.list(request)) {
                for (var pattern : patterns) {
                    if (pattern.matches(element)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static long[][] cidrs(List<String> written) {
        var out = new long[written.size()][];
        for (var i = 0; i < out.length; i++) {
            // IPv4: the control plane refuses an IPv6 block (AuthzAttribute.whyInvalid); an IPv6 peer matches none.
            var cidr = CidrList.parse("value", written.get(i), false).cidrs().getFirst();
            out[i] = new long[] {cidr.low(), cidr.ipv4Mask()};
        }
        return out;
    }

    private record Addresses(AuthzAttribute attribute, long[][] cidrs) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            var address = switch (attribute) {
                case SOURCE_IP -> request.sourceIp();
                case REMOTE_IP -> request.remoteIp();
                default -> request.destinationIp();
            };
            if (address < 0) {
                return false;
            }
            for (var cidr : cidrs) {
                if ((address & cidr[1]) == cidr[0]) {
                    return true;
                }
            }
            return false;
        }
    }

    private static int[] ports(List<String> written) {
        var out = new int[written.size()];
        for (var i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(written.get(i));
        }
        return out;
    }

    private record Ports(int[] ports) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            for (var port : ports) {
                if (port == request.destinationPort()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Istio matches a namespace as the regex {@code .*\/ns/VALUE/.*} on the principal, a {@code *} anywhere in VALUE being {@code .*}. */
    private static Pattern[] namespaces(List<String> written) {
        var out = new Pattern[written.size()];
        for (var i = 0; i < out.length; i++) {
            var parts = written.get(i).split("\\*", -1);
            var regex = new StringBuilder(".*/ns/");
            for (var p = 0; p < parts.length; p++) {
                regex.append(p > 0 ? ".*" : "").append(Pattern.quote(parts[p]));
            }
            out[i] = Pattern.compile(regex.append("/.*").toString(), Pattern.DOTALL);
        }
        return out;
    }

    private record Namespaces(Pattern[] patterns) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            var principal = request.principal();
            if (principal == null) {
                return false;
            }
            for (var pattern : patterns) {
                if (pattern.matcher(principal).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code ns/sa} (the control plane adds the policy's namespace to a bare name), compared with the principal's. */
    private record ServiceAccounts(String[] accounts) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            var principal = request.principal();
            var ns = principal == null ? -1 : principal.indexOf("/ns/");
            var sa = ns < 0 ? -1 : principal.indexOf("/sa/", ns + 4);
            if (sa < 0) {
                return false;
            }
            for (var account : accounts) {
                var slash = account.indexOf('/');
                if (principal.regionMatches(ns + 4, account, 0, slash) && ns + 4 + slash == sa
                        && principal.regionMatches(sa + 4, account, slash + 1, account.length() - slash - 1)
                        && principal.length() - sa - 4 == account.length() - slash - 1) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A request principal {@code iss/sub} as Istio matches it: the issuer and the subject each against their part of the
     * value (split at its last {@code /}), {@code *} alone any token, {@code *x} or {@code x*} as istiod's generator splits
     * them. Both must be present (Envoy's {@code .+}).
     */
    private record IssuerSubject(ValuePattern issuer, ValuePattern subject) {
    }

    private static IssuerSubject[] requestPrincipals(List<String> written) {
        var any = new ValuePattern(ValuePattern.Kind.ANY, "", false);
        var out = new IssuerSubject[written.size()];
        for (var i = 0; i < out.length; i++) {
            var value = written.get(i);
            var slash = value.lastIndexOf('/');
            var iss = slash < 0 ? value : value.substring(0, slash);
            var sub = slash < 0 ? "" : value.substring(slash + 1);
            if (value.equals("*")) {
                out[i] = new IssuerSubject(any, any);
            } else if (value.startsWith("*")) {
                out[i] = slash >= 0 ? new IssuerSubject(iss.equals("*") ? any : new ValuePattern(ValuePattern.Kind.SUFFIX, iss.substring(1), false),
                        new ValuePattern(ValuePattern.Kind.EXACT, sub, false))
                        : new IssuerSubject(any, new ValuePattern(ValuePattern.Kind.SUFFIX, value.substring(1), false));
            } else if (value.endsWith("*")) {
                out[i] = slash >= 0 ? new IssuerSubject(new ValuePattern(ValuePattern.Kind.EXACT, iss, false),
                        sub.equals("*") ? any : new ValuePattern(ValuePattern.Kind.PREFIX, sub.substring(0, sub.length() - 1), false))
                        : new IssuerSubject(new ValuePattern(ValuePattern.Kind.PREFIX, value.substring(0, value.length() - 1), false), any);
            } else {
                out[i] = new IssuerSubject(new ValuePattern(ValuePattern.Kind.EXACT, iss, false), new ValuePattern(ValuePattern.Kind.EXACT, sub, false));
            }
        }
        return out;
    }

    private record RequestPrincipals(IssuerSubject[] principals) implements Matcher {
        @Override
        public boolean any(ValueCheck check, AccessRequest request) {
            var auth = request.auth();
            if (auth == null || auth.principal() == null) {
                return false;
            }
            var issuer = claim(auth, "iss");
            var subject = claim(auth, "sub");
            if (issuer == null || subject == null) {
                var slash = auth.principal().lastIndexOf('/');
                issuer = slash < 0 ? auth.principal() : auth.principal().substring(0, slash);
                subject = slash < 0 ? "" : auth.principal().substring(slash + 1);
            }
            for (var principal : principals) {
                if (principal.issuer().matches(issuer) && principal.subject().matches(subject)) {
                    return true;
                }
            }
            return false;
        }

        private static String claim(RequestAuth auth, String name) {
            var values = auth.claims().get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }
}
