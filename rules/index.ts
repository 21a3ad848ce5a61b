// The built-in rules, by id. Explicit and sorted: adding a rule is adding a line here.
import type { Rule } from '../src/engine/rule.js';
import annotationPlacement from './annotation-placement.js';
import danglingReference from './dangling-reference.js';
import deprecatedApiVersion from './deprecated-api-version.js';
import duplicateResource from './duplicate-resource.js';
import identityIssuerCertificate from './identity-issuer-certificate.js';
import ingressMode from './ingress-mode.js';
import insecureDefaultInboundPolicy from './insecure-default-inbound-policy.js';
import invalidAnnotationValue from './invalid-annotation-value.js';
import invalidPathRegex from './invalid-path-regex.js';
import jobWithoutNativeSidecar from './job-without-native-sidecar.js';
import mirrorExportValue from './mirror-export-value.js';
import nativeSidecarWaitBeforeExit from './native-sidecar-wait-before-exit.js';
import noInjectHostNetwork from './no-inject-host-network.js';
import noInjectSystemNamespace from './no-inject-system-namespace.js';
import noOpenNetwork from './no-open-network.js';
import noRetryNonIdempotent from './no-retry-non-idempotent.js';
import noServerAuthorization from './no-server-authorization.js';
import noServiceProfile from './no-service-profile.js';
import noTrafficSplit from './no-traffic-split.js';
import noUnauthenticatedServer from './no-unauthenticated-server.js';
import noUnboundedRetries from './no-unbounded-retries.js';
import noWildcardIdentity from './no-wildcard-identity.js';
import opaquePortRequired from './opaque-port-required.js';
import opaquePortsConsistency from './opaque-ports-consistency.js';
import parseError from './parse-error.js';
import proxyResources from './proxy-resources.js';
import removedAnnotation from './removed-annotation.js';
import requireTimeout from './require-timeout.js';
import retryWithoutTimeout from './retry-without-timeout.js';
import routeParentRef from './route-parent-ref.js';
import schema from './schema.js';
import serverSelectsNothing from './server-selects-nothing.js';
import serverWithoutAuthorization from './server-without-authorization.js';
import serviceProfileName from './service-profile-name.js';
import serviceProfileShadowsRoutes from './service-profile-shadows-routes.js';
import skipPortsBypassPolicy from './skip-ports-bypass-policy.js';
import templateNotRendered from './template-not-rendered.js';
import trafficSplitWeights from './traffic-split-weights.js';
import unknownAnnotation from './unknown-annotation.js';
import unknownApiVersion from './unknown-api-version.js';
import unknownLinkerdConfig from './unknown-linkerd-config.js';
import unusedDisableDirective from './unused-disable-directive.js';
import validatingAdmissionPolicy from './validating-admission-policy.js';
import waitBeforeExitExceedsGrace from './wait-before-exit-exceeds-grace.js';

type AnyRule = Rule<any, any>;

export const builtinRules: Readonly<Record<string, AnyRule>> = {
  'annotation-placement': annotationPlacement,
  'dangling-reference': danglingReference,
  'deprecated-api-version': deprecatedApiVersion,
  'duplicate-resource': duplicateResource,
  'identity-issuer-certificate': identityIssuerCertificate,
  'ingress-mode': ingressMode,
  'insecure-default-inbound-policy': insecureDefaultInboundPolicy,
  'invalid-annotation-value': invalidAnnotationValue,
  'invalid-path-regex': invalidPathRegex,
  'job-without-native-sidecar': jobWithoutNativeSidecar,
  'mirror-export-value': mirrorExportValue,
  'native-sidecar-wait-before-exit': nativeSidecarWaitBeforeExit,
  'no-inject-host-network': noInjectHostNetwork,
  'no-inject-system-namespace': noInjectSystemNamespace,
  'no-open-network': noOpenNetwork,
  'no-retry-non-idempotent': noRetryNonIdempotent,
  'no-server-authorization': noServerAuthorization,
  'no-service-profile': noServiceProfile,
  'no-traffic-split': noTrafficSplit,
  'no-unauthenticated-server': noUnauthenticatedServer,
  'no-unbounded-retries': noUnboundedRetries,
  'no-wildcard-identity': noWildcardIdentity,
  'opaque-port-required': opaquePortRequired,
  'opaque-ports-consistency': opaquePortsConsistency,
  'parse-error': parseError,
  'proxy-resources': proxyResources,
  'removed-annotation': removedAnnotation,
  'require-timeout': requireTimeout,
  'retry-without-timeout': retryWithoutTimeout,
  'route-parent-ref': routeParentRef,
  schema,
  'server-selects-nothing': serverSelectsNothing,
  'server-without-authorization': serverWithoutAuthorization,
  'service-profile-name': serviceProfileName,
  'service-profile-shadows-routes': serviceProfileShadowsRoutes,
  'skip-ports-bypass-policy': skipPortsBypassPolicy,
  'template-not-rendered': templateNotRendered,
  'traffic-split-weights': trafficSplitWeights,
  'unknown-annotation': unknownAnnotation,
  'unknown-api-version': unknownApiVersion,
  'unknown-linkerd-config': unknownLinkerdConfig,
  'unused-disable-directive': unusedDisableDirective,
  'validating-admission-policy': validatingAdmissionPolicy,
  'wait-before-exit-exceeds-grace': waitBeforeExitExceedsGrace,
};
