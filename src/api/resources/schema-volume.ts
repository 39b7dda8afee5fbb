// core/v1 Volume: the common sources are described field by field; the rarely used cloud and
// legacy sources are kept as opaque objects (accepted, stored, not checked).

import { core } from "./schema-meta.js";
import { atomicList, bool, free, int, obj, quantity, str } from "./schema.js";

const KeyToPath = obj(
  {
    key: str("The key to project."),
    mode: int("Optional: mode bits used to set permissions on this file."),
    path: str("The relative path of the file to map the key to."),
  },
  { name: core("KeyToPath"), required: ["key", "path"], d: "Maps a string key to a path within a volume." },
);
const items = atomicList(
  KeyToPath,
  "Maps keys of the source to paths in the volume; unlisted keys are not projected.",
);
const defaultMode = int("Mode bits used to set permissions on created files by default.");

const ConfigMapVolumeSource = obj(
  {
    defaultMode,
    items,
    name: str("Name of the ConfigMap."),
    optional: bool("Whether the ConfigMap or its keys must be defined."),
  },
  { name: core("ConfigMapVolumeSource"), d: "Adapts a ConfigMap into a volume." },
);
const SecretVolumeSource = obj(
  {
    defaultMode,
    items,
    optional: bool("Whether the Secret or its keys must be defined."),
    secretName: str("Name of the secret in the pod's namespace."),
  },
  { name: core("SecretVolumeSource"), d: "Adapts a Secret into a volume." },
);

const opaque = (what: string) => free(`${what} (kept as given; not checked by Skiff).`);

export const Volume = obj(
  {
    name: str("Name of the volume; must be a DNS_LABEL and unique within the pod."),
    configMap: ConfigMapVolumeSource,
    secret: SecretVolumeSource,
    emptyDir: obj(
      {
        medium: str('What type of storage medium should back this directory: "" or Memory.'),
        sizeLimit: quantity("Total amount of local storage required."),
      },
      { name: core("EmptyDirVolumeSource"), d: "A temporary directory that shares a pod's lifetime." },
    ),
    hostPath: obj(
      {
        path: str("Path of the directory on the host."),
        type: str('Type for HostPath Volume; defaults to "".'),
      },
      {
        name: core("HostPathVolumeSource"),
        required: ["path"],
        d: "A pre-existing file or directory on the host machine.",
      },
    ),
    persistentVolumeClaim: obj(
      {
        claimName: str("Name of a PersistentVolumeClaim in the same namespace."),
        readOnly: bool("Force the ReadOnly setting in VolumeMounts."),
      },
      {
        name: core("PersistentVolumeClaimVolumeSource"),
        required: ["claimName"],
        d: "A reference to a PersistentVolumeClaim in the same namespace.",
      },
    ),
    nfs: obj(
      {
        path: str("Path that is exported by the NFS server."),
        readOnly: bool("Force the NFS export to be mounted read-only."),
        server: str("Hostname or IP address of the NFS server."),
      },
      {
        name: core("NFSVolumeSource"),
        required: ["server", "path"],
        d: "An NFS mount that lasts the lifetime of a pod.",
      },
    ),
    projected: obj(
      { defaultMode, sources: atomicList(free(), "List of volume projections.") },
      {
        name: core("ProjectedVolumeSource"),
        d: "Items for all in one resources secrets, configmaps, and downward API.",
      },
    ),
    downwardAPI: obj(
      { defaultMode, items: atomicList(free(), "A list of downward API volume files.") },
      {
        name: core("DownwardAPIVolumeSource"),
        d: "Downward API about the pod that should populate this volume.",
      },
    ),
    image: obj(
      {
        pullPolicy: str("Policy for pulling OCI objects."),
        reference: str("Image or artifact reference to be used."),
      },
      {
        name: core("ImageVolumeSource"),
        d: "An OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine.",
      },
    ),
    csi: opaque("Ephemeral storage handled by certain external CSI drivers"),
    ephemeral: opaque("A volume handled by a cluster storage driver, with the pod's lifetime"),
    awsElasticBlockStore: opaque("Deprecated AWS Disk resource"),
    azureDisk: opaque("Deprecated Azure Data Disk mount"),
    azureFile: opaque("Deprecated Azure File Service mount"),
    cephfs: opaque("Deprecated Ceph FS mount"),
    cinder: opaque("Deprecated cinder volume"),
    fc: opaque("Fibre Channel resource"),
    flexVolume: opaque("Deprecated generic volume provisioned by an exec based plugin"),
    flocker: opaque("Deprecated Flocker volume"),
    gcePersistentDisk: opaque("Deprecated GCE Disk resource"),
    gitRepo: opaque("Deprecated git repository at a particular revision"),
    glusterfs: opaque("Deprecated Glusterfs mount"),
    iscsi: opaque("ISCSI Disk resource"),
    photonPersistentDisk: opaque("Deprecated PhotonController persistent disk"),
    portworxVolume: opaque("Deprecated portworx volume"),
    quobyte: opaque("Deprecated Quobyte mount"),
    rbd: opaque("Deprecated Rados Block Device mount"),
    scaleIO: opaque("Deprecated ScaleIO persistent volume"),
    storageos: opaque("Deprecated StorageOS volume"),
    vsphereVolume: opaque("Deprecated vSphere volume"),
  },
  {
    name: core("Volume"),
    required: ["name"],
    d: "A named volume in a pod that may be accessed by any container in the pod.",
  },
);
