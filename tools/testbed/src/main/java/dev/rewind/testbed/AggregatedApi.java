package dev.rewind.testbed;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * An aggregated API ({@code /apis/GROUP/VERSION}) that kube-apiserver proxies to an HTTPS server a
 * test runs on this host, as it proxies {@code metrics.k8s.io} to metrics-server. Made by
 * {@link KubeTestBed#aggregatedApi(String, String, String)}; nothing exists in the cluster until
 * {@link #register}:
 *
 * <pre>{@code
 * AggregatedApi api = kube.aggregatedApi(namespace, "query.rewind.dev", "v1alpha1");
 * CertificateAuthority ca = CertificateAuthority.create("query-ca");
 * IssuedCertificate serving = ca.issueServerCertificate(api.serviceHost());   // NAME.NAMESPACE.svc
 * HttpsServer server = HttpsServer.create(new InetSocketAddress(api.hostAddress(), 0), 0);
 * ... // TLS with serving.sslContext(), client certificates of the front-proxy CA required
 * api.register(server.getAddress().getPort(), ca.certificatePem()).awaitAvailable();
 * ...
 * api.close();                                                                 // in @AfterEach
 * }</pre>
 *
 * <p>{@link #register} creates, in the namespace, a Service without selector ({@link #serviceName()},
 * port 443), an EndpointSlice that points it at {@link #hostAddress()} and the server's port, and
 * the cluster-scoped {@code APIService} {@code VERSION.GROUP} with the server's {@code caBundle}.
 * kube-apiserver runs with {@code --enable-aggregator-routing=true}: it dials the EndpointSlice's
 * address directly (there is no kube-proxy for the Service's cluster IP) and verifies the server's
 * certificate for the name {@code NAME.NAMESPACE.svc} against the {@code caBundle}. It presents a
 * client certificate {@code CN=front-proxy-client} from the front-proxy CA
 * ({@link KubeTestBed#frontProxyCaCertificatePem()}, also in the ConfigMap
 * {@code kube-system/extension-apiserver-authentication}) and passes the user in
 * {@code X-Remote-User}, {@code X-Remote-Group} and {@code X-Remote-Extra-*} headers.
 *
 * <p>APIServices are cluster-wide and tests share the API server: two tests must not register the
 * same group and version at the same time (the second {@link #register} fails). An APIService whose
 * server is gone stays registered and unavailable, and makes discovery incomplete for every client of
 * the API server (kubectl warns, discovery-based clients may fail): {@link #close()} it after the test.
 */
public final class AggregatedApi implements AutoCloseable {

    /** The {@code groupPriorityMinimum} of {@link #register(int, String)}. */
    public static final int DEFAULT_GROUP_PRIORITY_MINIMUM = 1000;
    /** The {@code versionPriority} of {@link #register(int, String)}. */
    public static final int DEFAULT_VERSION_PRIORITY = 15;
    /** The system property that chooses {@link #hostAddress()} instead of the first suitable one. */
    public static final String HOST_ADDRESS_PROPERTY = "rewind.kube.hostAddress";
    /** The Service's port, which the APIService names; the EndpointSlice maps it to the server's port. */
    public static final int SERVICE_PORT = 443;

    private static final Duration DEFAULT_AVAILABLE_TIMEOUT = Duration.ofSeconds(30);
    private static final String PORT_NAME = "https";
    private static final String MANAGED_BY = "rewind-testbed";
    private static final ResourceDefinitionContext API_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("apiregistration.k8s.io")
            .withVersion("v1")
            .withKind("APIService")
            .withPlural("apiservices")
            .withNamespaced(false)
            .build();

    private final KubernetesClient admin;
    private final String namespace;
    private final String group;
    private final String version;
    private final String serviceName;
    private final InetAddress hostAddress;
    private boolean registered;

    AggregatedApi(KubernetesClient admin, String namespace, String group, String version) {
        if (group == null || group.isEmpty()) {
            throw new IllegalArgumentException("an aggregated API needs a group; the core group cannot be aggregated");
        }
        if (version == null || !version.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("not a Kubernetes API version: " + version);
        }
        this.admin = admin;
        this.namespace = namespace;
        this.group = group;
        this.version = version;
        this.serviceName = serviceName(group, version);
        this.hostAddress = findHostAddress();
    }

    public String namespace() {
        return namespace;
    }

    public String group() {
        return group;
    }

    public String version() {
        return version;
    }

    /** The name of the APIService: {@code VERSION.GROUP}. */
    public String apiServiceName() {
        return version + "." + group;
    }

    /** The path under which kube-apiserver serves this API: {@code /apis/GROUP/VERSION}. */
    public String path() {
        return "/apis/" + group + "/" + version;
    }

    /** The name of the Service in {@link #namespace()}: {@code VERSION-GROUP} with dashes for dots. */
    public String serviceName() {
        return serviceName;
    }

    /**
     * The host name kube-apiserver verifies the server's certificate for, {@code NAME.NAMESPACE.svc}:
     * issue the serving certificate for it, e.g. {@code ca.issueServerCertificate(api.serviceHost())}.
     */
    public String serviceHost() {
        return serviceName + "." + namespace + ".svc";
    }

    /**
     * The address of this host that the EndpointSlice names and the test's server must listen on
     * (or on all addresses). kube-apiserver listens on 127.0.0.1, but an endpoint address may not be
     * loopback (127.0.0.0/8) nor link-local (169.254.0.0/16): it is the system property
     * {@value #HOST_ADDRESS_PROPERTY} if set, else the first IPv4 address, neither loopback nor
     * link-local, of the network interfaces that are up and not loopback, in the order of their index
     * (usually the machine's main address). Packets to one of the host's own addresses do not leave the
     * host; but a server listening there can be reached by other machines of that network, for as long
     * as the test runs.
     *
     * @throws IllegalStateException if this host has no such address
     */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /**
     * {@link #register(int, String, int, int)} with {@link #DEFAULT_GROUP_PRIORITY_MINIMUM} and
     * {@link #DEFAULT_VERSION_PRIORITY}.
     */
    public AggregatedApi register(int port, String caBundlePem) {
        return register(port, caBundlePem, DEFAULT_GROUP_PRIORITY_MINIMUM, DEFAULT_VERSION_PRIORITY);
    }

    /**
     * Creates the Service, its EndpointSlice ({@link #hostAddress()}:{@code port}) and the APIService.
     * kube-apiserver then checks the server ({@code GET /apis/GROUP/VERSION} must answer 2xx) before
     * it marks the APIService Available: see {@link #awaitAvailable()}.
     *
     * @param port the port the test's HTTPS server listens on at {@link #hostAddress()}
     * @param caBundlePem the PEM of the CA that signed the server's certificate for {@link #serviceHost()}
     * @param groupPriorityMinimum the APIService's {@code groupPriorityMinimum} (order of groups in discovery)
     * @param versionPriority the APIService's {@code versionPriority} (order of versions in the group)
     * @throws IllegalStateException if this API is registered already, by this object or another
     */
    public synchronized AggregatedApi register(int port, String caBundlePem, int groupPriorityMinimum,
            int versionPriority) {
        if (registered) {
            throw new IllegalStateException(this + " is registered already");
        }
        if (apiServices().withName(apiServiceName()).get() != null) {
            throw new IllegalStateException("the APIService " + apiServiceName() + " exists already: another test"
                    + " registered " + path() + " and did not close it, or runs at the same time");
        }
        registered = true;
        admin.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName(serviceName).addToLabels(MANAGED_BY, "true").endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .addNewPort().withName(PORT_NAME).withProtocol("TCP").withPort(SERVICE_PORT)
                .withTargetPort(new IntOrString(port)).endPort()
                .endSpec()
                .build()).create();
        // Without a selector nothing maintains the Service's endpoints: this slice is all there is.
        // The aggregator finds it by the service-name label and takes the port of the Service's port name.
        admin.discovery().v1().endpointSlices().inNamespace(namespace).resource(new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(serviceName + "-host")
                .addToLabels("kubernetes.io/service-name", serviceName)
                .addToLabels("endpointslice.kubernetes.io/managed-by", MANAGED_BY)
                .endMetadata()
                .withAddressType(hostAddress instanceof Inet6Address ? "IPv6" : "IPv4")
                .addNewEndpoint().withAddresses(hostAddress.getHostAddress())
                .withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewPort().withName(PORT_NAME).withProtocol("TCP").withPort(port).endPort()
                .build()).create();
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("namespace", namespace);
        service.put("name", serviceName);
        service.put("port", SERVICE_PORT);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("group", group);
        spec.put("version", version);
        spec.put("service", service);
        spec.put("caBundle", Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.UTF_8)));
        spec.put("groupPriorityMinimum", groupPriorityMinimum);
        spec.put("versionPriority", versionPriority);
        GenericKubernetesResource apiService = new GenericKubernetesResourceBuilder()
                .withApiVersion("apiregistration.k8s.io/v1")
                .withKind("APIService")
                .withNewMetadata().withName(apiServiceName()).addToLabels(MANAGED_BY, "true").endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
        try {
            apiServices().resource(apiService).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new IllegalStateException("the APIService " + apiServiceName()
                        + " was created by someone else meanwhile", e);
            }
            throw e;
        }
        return this;
    }

    /** {@link #awaitAvailable(Duration)} for at most 30 seconds. */
    public AggregatedApi awaitAvailable() {
        return awaitAvailable(DEFAULT_AVAILABLE_TIMEOUT);
    }

    /**
     * Waits (watching, not polling) until the APIService's condition {@code Available} is
     * {@code True}, i.e. kube-apiserver reached the server through the Service and got its discovery.
     *
     * @throws IllegalStateException if it is not within {@code timeout}; the message has the
     *         condition's last reason and message (e.g. {@code FailedDiscoveryCheck} and why)
     */
    public AggregatedApi awaitAvailable(Duration timeout) {
        Resource<GenericKubernetesResource> resource = apiServices().withName(apiServiceName());
        try {
            resource.waitUntilCondition(AggregatedApi::isAvailable, timeout.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (KubernetesClientTimeoutException e) {
            throw new IllegalStateException("the APIService " + apiServiceName() + " is not Available after "
                    + timeout + "; its condition: " + availableCondition(resource.get()), e);
        }
    }

    /** The APIService as kube-apiserver has it now (with its status), or null if it does not exist. */
    public GenericKubernetesResource apiService() {
        return apiServices().withName(apiServiceName()).get();
    }

    /** The APIService's {@code Available} condition now ({@code type}, {@code status}, {@code reason}, ...), or null. */
    public Map<String, Object> availableCondition() {
        return availableCondition(apiService());
    }

    /**
     * Deletes the APIService, the EndpointSlice and the Service, if {@link #register} created them;
     * kube-apiserver then stops serving {@link #path()}. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (!registered) {
            return;
        }
        registered = false;
        apiServices().withName(apiServiceName()).delete();
        admin.discovery().v1().endpointSlices().inNamespace(namespace).withName(serviceName + "-host").delete();
        admin.services().inNamespace(namespace).withName(serviceName).delete();
    }

    @Override
    public String toString() {
        return "AggregatedApi[" + path() + " -> " + serviceHost() + " at " + hostAddress.getHostAddress() + "]";
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> apiServices() {
        return admin.genericKubernetesResources(API_SERVICES);
    }

    private static boolean isAvailable(GenericKubernetesResource apiService) {
        Map<String, Object> condition = availableCondition(apiService);
        return condition != null && "True".equals(condition.get("status"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> availableCondition(GenericKubernetesResource apiService) {
        if (apiService == null || !(apiService.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        for (Object condition : conditions) {
            if (condition instanceof Map<?, ?> map && "Available".equals(map.get("type"))) {
                return (Map<String, Object>) map;
            }
        }
        return null;
    }

    /** {@code VERSION-GROUP}, dots as dashes, cut to the 63 characters of a DNS label. */
    private static String serviceName(String group, String version) {
        String name = (version + "-" + group).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return name.replaceAll("-+$", "");
    }

    static InetAddress findHostAddress() {
        String configured = System.getProperty(HOST_ADDRESS_PROPERTY, "").trim();
        if (!configured.isEmpty()) {
            try {
                InetAddress address = InetAddress.getByName(configured);
                if (!dialable(address)) {
                    throw new IllegalStateException("-D" + HOST_ADDRESS_PROPERTY + "=" + configured
                            + " is loopback, link-local, multicast or unspecified, which no endpoint may be");
                }
                return address;
            } catch (UnknownHostException e) {
                throw new IllegalStateException("-D" + HOST_ADDRESS_PROPERTY + "=" + configured
                        + " is not an address of this host", e);
            }
        }
        List<String> seen = new ArrayList<>();
        try {
            List<NetworkInterface> interfaces = NetworkInterface.networkInterfaces()
                    .sorted(Comparator.comparingInt(NetworkInterface::getIndex))
                    .toList();
            for (NetworkInterface networkInterface : interfaces) {
                if (!networkInterface.isUp() || networkInterface.isLoopback()) {
                    continue;
                }
                for (InetAddress address : networkInterface.inetAddresses().toList()) {
                    seen.add(networkInterface.getName() + " " + address.getHostAddress());
                    if (address instanceof Inet4Address && dialable(address)) {
                        return address;
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this host's network interfaces", e);
        }
        throw new IllegalStateException("this host has no IPv4 address that kube-apiserver may dial for an"
                + " aggregated API: endpoint addresses may not be loopback (127.0.0.0/8) nor link-local"
                + " (169.254.0.0/16), and the up, non-loopback interfaces have " + (seen.isEmpty() ? "none" : seen)
                + "; give one with -D" + HOST_ADDRESS_PROPERTY + "=ADDRESS");
    }

    private static boolean dialable(InetAddress address) {
        return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
                && !address.isMulticastAddress();
    }
}
