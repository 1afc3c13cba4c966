package dev.rewind.testbed;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: the test bed uses one for the API server's serving
 * certificate and for client certificates, and tests use their own for HTTPS servers that the API
 * server calls (admission webhooks, whose {@code caBundle} is {@link #certificatePem()}).
 *
 * <p>Keys are ECDSA P-256, which Kubernetes, Go clients and the JDK all accept, and which take
 * milliseconds to generate where RSA keys take up to a second each in a fresh JVM. Certificates
 * are valid from an hour ago (clock skew) for 30 days.
 */
public final class CertificateAuthority {

    private static final Duration VALIDITY = Duration.ofDays(30);
    /** RFC 5280's ub-common-name; Bouncy Castle refuses longer ones. */
    private static final int MAX_COMMON_NAME = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** Creates a self-signed CA whose subject is {@code CN=commonName}. */
    public static CertificateAuthority create(String commonName) {
        KeyPair keyPair = newKeyPair();
        X500Name subject = name(commonName, List.of());
        X509Certificate certificate = sign(subject, keyPair, subject, keyPair, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        });
        return new CertificateAuthority(keyPair, certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate in PEM, e.g. for a webhook's {@code caBundle} (base64 of these bytes). */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /**
     * Issues a TLS server certificate for the given host names and IP addresses (both go into the
     * subject alternative names; the first one is also the common name, cut to the 64 characters a
     * common name may have: clients check the alternative names, e.g. a long
     * {@code service.namespace.svc}).
     */
    public IssuedCertificate issueServerCertificate(String... hosts) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one host");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(new GeneralName(isIpAddress(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        String commonName = hosts[0].length() > MAX_COMMON_NAME ? hosts[0].substring(0, MAX_COMMON_NAME) : hosts[0];
        return issue(name(commonName, List.of()), KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /**
     * Issues a TLS client certificate. The Kubernetes API server reads the common name as the user
     * name and each organization as a group.
     */
    public IssuedCertificate issueClientCertificate(String commonName, String... organizations) {
        return issue(name(commonName, List.of(organizations)), KeyPurposeId.id_kp_clientAuth, null);
    }

    private IssuedCertificate issue(X500Name subject, KeyPurposeId purpose, GeneralNames altNames) {
        KeyPair leafKeys = newKeyPair();
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509Certificate leaf = sign(subject, leafKeys, issuer, keyPair, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
        });
        return new IssuedCertificate(leaf, leafKeys.getPrivate(), certificate);
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws Exception;
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
            KeyPair issuerKeys, Extensions extensions) {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(63, RANDOM), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
        try {
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
            extensions.add(builder);
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    private static X500Name name(String commonName, List<String> organizations) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(organization -> builder.addRDN(BCStyle.O, organization));
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate P-256 key pairs", e);
        }
    }

    private static boolean isIpAddress(String host) {
        return host.contains(":") || host.matches("[0-9]+(\\.[0-9]+){3}");
    }
}
