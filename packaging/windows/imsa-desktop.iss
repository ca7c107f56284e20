; Inno Setup script: a per-user Windows installer (no administrator rights needed).
;
;   iscc /DAppVersion=0.1.0 /DDistDir=..\..\build\dist\imsa-desktop packaging\windows\imsa-desktop.iss
;
; Input: the PyInstaller folder from packaging/imsa-desktop.spec (imsa-desktop.exe, imsa.exe,
; _internal\). Output: build\IMSA-Desktop-Setup-<version>.exe. Built by .github/workflows/
; packages.yml on a Windows runner; it cannot be built or run on the Linux CI machine.
; Mirrors the .deb: the app folder, a Start-menu entry, `imsa` on the user's PATH, the licences.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef DistDir
  #define DistDir "..\..\build\dist\imsa-desktop"
#endif

[Setup]
AppId={{6F1C2E7A-4B4B-4D7E-9C55-1D0C4A1B7E21}
AppName=IMSA Desktop
AppVersion={#AppVersion}
AppPublisher=IMSA Desktop contributors
DefaultDirName={localappdata}\Programs\IMSA Desktop
DefaultGroupName=IMSA Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build
OutputBaseFilename=IMSA-Desktop-Setup-{#AppVersion}
SetupIconFile=..\icons\imsa-desktop.ico
UninstallDisplayIcon={app}\imsa-desktop.exe
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion
Source: "..\..\LICENSE"; DestDir: "{app}"; DestName: "LICENSE.txt"
Source: "..\..\NOTICE"; DestDir: "{app}"; DestName: "NOTICE.txt"

[Icons]
Name: "{userprograms}\IMSA Desktop"; Filename: "{app}\imsa-desktop.exe"
Name: "{userdesktop}\IMSA Desktop"; Filename: "{app}\imsa-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked
Name: "addtopath"; Description: "Add the imsa command line to my PATH"; Flags: unchecked

[Registry]
; Per-user PATH entry for imsa.exe (only if chosen). Uninstalling leaves the entry (it then
; names a folder that no longer exists); removing it needs a [Code] step not written yet.
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
  ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\imsa-desktop.exe"; Description: "Start IMSA Desktop"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
    Paths := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
