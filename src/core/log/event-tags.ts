/**
 * Names of the cereal `Event` union members, indexed by union tag (discriminant), from
 * log.capnp of commaai/cereal. A tag is the member's rank among the union's fields ordered by
 * ordinal (`@N`), so it never changes when the schema grows; tags past this list are unknown.
 */
export const EVENT_TAG_NAMES: ReadonlyArray<string> = [
  "initData",
  "roadCameraState",
  "gpsNMEA",
  "sensorEventDEPRECATED",
  "can",
  "deviceState",
  "controlsState",
  "liveEventDEPRECATED",
  "model",
  "featuresDEPRECATED",
  "sensorEventsDEPRECATED",
  "pandaStateDEPRECATED",
  "radarState",
  "liveUIDEPRECATED",
  "roadEncodeIdx",
  "liveTracks",
  "sendcan",
  "logMessage",
  "liveCalibration",
  "androidLog",
  "gpsLocation",
  "carState",
  "carControl",
  "longitudinalPlan",
  "liveLocationDEPRECATED",
  "ethernetDataDEPRECATED",
  "navUpdateDEPRECATED",
  "cellInfoDEPRECATED",
  "wifiScanDEPRECATED",
  "androidGnssDEPRECATED",
  "qcomGnss",
  "lidarPtsDEPRECATED",
  "procLog",
  "ubloxGnss",
  "clocks",
  "liveMpcDEPRECATED",
  "liveLongitudinalMpcDEPRECATED",
  "navStatusDEPRECATED",
  "ubloxRaw",
  "gpsPlannerPointsDEPRECATED",
  "gpsPlannerPlanDEPRECATED",
  "applanixRawDEPRECATED",
  "trafficEventsDEPRECATED",
  "liveLocationTimingDEPRECATED",
  "orbslamCorrectionDEPRECATED",
  "liveLocationCorrectedDEPRECATED",
  "orbObservationDEPRECATED",
  "gpsLocationExternal",
  "locationDEPRECATED",
  "uiNavigationEventDEPRECATED",
  "liveLocationKalmanDEPRECATED",
  "testJoystick",
  "orbOdometryDEPRECATED",
  "orbFeaturesDEPRECATED",
  "applanixLocationDEPRECATED",
  "orbKeyFrameDEPRECATED",
  "uiLayoutStateDEPRECATED",
  "orbFeaturesSummaryDEPRECATED",
  "driverStateDEPRECATED",
  "boot",
  "liveParameters",
  "liveMapDataDEPRECATED",
  "cameraOdometry",
  "lateralPlanDEPRECATED",
  "kalmanOdometryDEPRECATED",
  "thumbnail",
  "onroadEvents",
  "carParams",
  "driverCameraState",
  "driverMonitoringState",
  "liveLocationKalman",
  "sentinel",
  "wideRoadCameraState",
  "modelV2",
  "driverEncodeIdx",
  "wideRoadEncodeIdx",
  "managerState",
  "uploaderState",
  "peripheralState",
  "pandaStates",
  "navInstruction",
  "navRoute",
  "navThumbnail",
  "errorLogMessage",
  "roadEncodeData",
  "driverEncodeData",
  "wideRoadEncodeData",
  "qRoadEncodeData",
  "qRoadEncodeIdx",
  "gnssMeasurements",
  "driverStateV2",
  "userFlag",
  "liveTorqueParameters",
  "magnetometer",
  "lightSensor",
  "temperatureSensor",
  "accelerometer",
  "gyroscope",
  "gyroscope2",
  "accelerometer2",
  "uiDebug",
  "microphone",
  "navModel",
  "mapRenderState",
  "uiPlan",
  "customReserved0",
  "customReserved1",
  "customReserved2",
  "customReserved3",
  "customReserved4",
  "customReserved5",
  "customReserved6",
  "customReserved7",
  "customReserved8",
  "customReserved9",
  "livestreamRoadEncodeIdx",
  "livestreamWideRoadEncodeIdx",
  "livestreamDriverEncodeIdx",
  "livestreamRoadEncodeData",
  "livestreamWideRoadEncodeData",
  "livestreamDriverEncodeData",
  "temperatureSensor2",
  "customReservedRawData0",
  "customReservedRawData1",
  "customReservedRawData2",
  "carOutput"
]

/** Union tags the reader decodes. */
export const EventTag = {
  initData: 0,
  can: 4,
  sendcan: 16,
  carState: 21,
  carParams: 67,
  sentinel: 71,
  pandaStates: 79
} as const

/** True when the schema this reader knows has a member with this tag. */
export const isKnownEventTag = (tag: number): boolean => tag >= 0 && tag < EVENT_TAG_NAMES.length

/** Member name for a tag, or `unknown(<tag>)`. */
export const eventTagName = (tag: number): string => EVENT_TAG_NAMES[tag] ?? `unknown(${tag})`

/** Tag for a member name, or undefined. */
export const eventTagOf = (name: string): number | undefined => {
  const i = EVENT_TAG_NAMES.indexOf(name)
  return i < 0 ? undefined : i
}

/** `CarParams.SafetyModel` (car.capnp) by value. */
export const SAFETY_MODEL_NAMES: ReadonlyArray<string> = [
  "silent",
  "hondaNidec",
  "toyota",
  "elm327",
  "gm",
  "hondaBoschGiraffe",
  "ford",
  "cadillac",
  "hyundai",
  "chrysler",
  "tesla",
  "subaru",
  "gmPassive",
  "mazda",
  "nissan",
  "volkswagen",
  "toyotaIpas",
  "allOutput",
  "gmAscm",
  "noOutput",
  "hondaBosch",
  "volkswagenPq",
  "subaruPreglobal",
  "hyundaiLegacy",
  "hyundaiCommunity",
  "volkswagenMlb",
  "hongqi",
  "body",
  "hyundaiCanfd",
  "volkswagenMqbEvo",
  "chryslerCusw",
  "psa"
]

/** `InitData.DeviceType` by value. */
export const DEVICE_TYPE_NAMES: ReadonlyArray<string> = ["unknown", "neo", "chffrAndroid", "chffrIos", "tici", "pc", "tizi", "mici"]

/** `PandaState.PandaType` by value. */
export const PANDA_TYPE_NAMES: ReadonlyArray<string> = [
  "unknown",
  "whitePanda",
  "greyPanda",
  "blackPanda",
  "pedal",
  "uno",
  "dos",
  "redPanda",
  "redPandaV2",
  "tres",
  "cuatro"
]

/** `Sentinel.SentinelType` by value. */
export const SENTINEL_TYPE_NAMES: ReadonlyArray<string> = ["endOfSegment", "endOfRoute", "startOfSegment", "startOfRoute"]

/** `CarState.GearShifter` by value. */
export const GEAR_SHIFTER_NAMES: ReadonlyArray<string> = ["unknown", "park", "drive", "neutral", "reverse", "sport", "low", "brake", "eco", "manumatic"]

/** Name of an enum value, or `unknown(<value>)` for values newer than this schema. */
export const enumName = (names: ReadonlyArray<string>, value: number): string => names[value] ?? `unknown(${value})`
