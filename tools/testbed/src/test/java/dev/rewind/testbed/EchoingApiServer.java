package dev.rewind.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * A minimal extension API server, as kube-apiserver's aggregation layer expects one: HTTPS with a
 * certificate for the Service's name, a client certificate required and verified against the
 * front-proxy CA, the user taken from the request headers only when that certificate's common name
 * is an allowed one. It serves the discovery of {@code /apis/GROUP/VERSION} (one namespaced resource,
 * {@code things}) and lists {@code things} as one item that echoes the user and groups it was given.
 */
final class EchoingApiServer implements AutoCloseable {

    /** What the server was asked for, and as whom. */
    record Call(String path, String commonName, String user, List<String> groups) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String group;
    private final String version;
    private final Set<String> allowedNames;
    private final String userHeader;
    private final String groupHeader;
    private final Pattern thingsPath;
    private final HttpsServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();

    /**
     * @param frontProxyCa the CA a client certificate must come from (requestheader-client-ca-file)
     * @param allowedNames the common names trusted to set the user headers (requestheader-allowed-names)
     */
    EchoingApiServer(InetAddress address, IssuedCertificate serving, X509Certificate frontProxyCa,
            Set<String> allowedNames, String userHeader, String groupHeader, String group, String version)
            throws IOException {
        this.group = group;
        this.version = version;
        this.allowedNames = Set.copyOf(allowedNames);
        this.userHeader = userHeader;
        this.groupHeader = groupHeader;
        this.thingsPath = Pattern.compile(Pattern.quote("/apis/" + group + "/" + version + "/namespaces/")
                + "([a-z0-9-]+)/things");
        SSLContext tls = serverTls(serving, frontProxyCa);
        server = HttpsServer.create(new InetSocketAddress(address, 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every request that passed TLS, in order. */
    List<Call> calls() {
        return calls;
    }

    /** Requests this server could not answer; a test asserts there were none. */
    List<Exception> failures() {
        return failures;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            ObjectNode answer;
            try {
                String path = exchange.getRequestURI().getPath();
                String commonName = clientCommonName((HttpsExchange) exchange);
                String user = exchange.getRequestHeaders().getFirst(userHeader);
                List<String> groups = exchange.getRequestHeaders().getOrDefault(groupHeader, List.of());
                calls.add(new Call(path, commonName, user, List.copyOf(groups)));
                Matcher things = thingsPath.matcher(path);
                if (!allowedNames.contains(commonName) || user == null) {
                    // A client certificate of the CA, but not the front proxy's: its headers mean nothing.
                    status = 403;
                    answer = status("Forbidden", "client " + commonName + " may not pass a user", status);
                } else if (!"GET".equals(exchange.getRequestMethod())) {
                    status = 405;
                    answer = status("MethodNotAllowed", exchange.getRequestMethod(), status);
                } else if (path.equals("/apis/" + group + "/" + version)) {
                    status = 200;
                    answer = discovery();
                } else if (things.matches()) {
                    status = 200;
                    answer = thingList(things.group(1), user, groups);
                } else {
                    // Also /apis: kube-apiserver then falls back from aggregated to per-version discovery.
                    status = 404;
                    answer = status("NotFound", path, status);
                }
            } catch (IOException | RuntimeException e) {
                failures.add(e);
                status = 500;
                answer = status("InternalError", e.toString(), status);
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private ObjectNode discovery() {
        ObjectNode list = JSON.createObjectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", group + "/" + version);
        list.putArray("resources").addObject()
                .put("name", "things")
                .put("singularName", "thing")
                .put("namespaced", true)
                .put("kind", "Thing")
                .putArray("verbs").add("get").add("list");
        return list;
    }

    private ObjectNode thingList(String namespace, String user, List<String> groups) {
        ObjectNode list = JSON.createObjectNode()
                .put("kind", "ThingList")
                .put("apiVersion", group + "/" + version);
        list.putObject("metadata");
        ObjectNode thing = list.putArray("items").addObject()
                .put("kind", "Thing")
                .put("apiVersion", group + "/" + version);
        thing.putObject("metadata").put("name", "echo").put("namespace", namespace);
        ObjectNode seen = thing.putObject("seen").put("remoteUser", user);
        groups.forEach(seen.putArray("remoteGroups")::add);
        return list;
    }

    private static ObjectNode status(String reason, String message, int code) {
        return JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("status", "Failure")
                .put("reason", reason)
                .put("message", message)
                .put("code", code);
    }

    private static String clientCommonName(HttpsExchange exchange) throws IOException {
        try {
            X509Certificate client = (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
            for (Rdn rdn : new LdapName(client.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return "";
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            throw new IOException("no usable client certificate", e);
        }
    }

    private static SSLContext serverTls(IssuedCertificate serving, X509Certificate clientCa) {
        try {
            char[] password = "unused".toCharArray();
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(serving.keyStore(password), password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("front-proxy-ca", clientCa);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the server's TLS", e);
        }
    }
}
