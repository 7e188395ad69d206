; Inno Setup 6 script: the Windows installer of rcdesk, built from the PyInstaller folder dist\rcdesk.
;   iscc /DAppVersion=0.1.0 packaging\rcdesk.iss      -> dist\rcdesk-0.1.0-instalador.exe
; Per-user install (no administrator rights): the program goes to %LOCALAPPDATA%\Programs\rcdesk,
; while the user's data stays in %LOCALAPPDATA%\rcdesk (rcdesk.paths), which neither an upgrade
; nor the uninstaller touches.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; Never change AppId: upgrades find the previous installation by it.
AppId={{6B0E6C1D-2F4A-4C55-9C1E-7D5A0B3E9A15}
AppName=rcdesk
AppVersion={#AppVersion}
AppVerName=rcdesk {#AppVersion}
AppPublisher=rcdesk
AppComments=Rendición de cuentas y seguimiento del POA
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={autopf}\rcdesk
DefaultGroupName=rcdesk
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=rcdesk-{#AppVersion}-instalador
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; a running rcdesk holds its database lock: ask to close it before replacing its files
CloseApplications=yes
RestartApplications=no
UninstallDisplayName=rcdesk {#AppVersion}
UninstallDisplayIcon={app}\rcdesk-gui.exe
VersionInfoVersion={#AppVersion}

[Languages]
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "escritorio"; Description: "Crear un acceso directo en el escritorio"; GroupDescription: "Accesos directos:"

[InstallDelete]
; libraries of the previous version (their names change between Qt and Python releases);
; only the program folder, never the user's data folder
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\rcdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\rcdesk"; Filename: "{app}\rcdesk-gui.exe"; Comment: "Rendición de cuentas y seguimiento del POA"
Name: "{group}\rcdesk (línea de comandos)"; Filename: "{cmd}"; Parameters: "/k ""set PATH={app};%PATH% && rcdesk --help"""; WorkingDir: "{userdocs}"; Comment: "Símbolo del sistema con el comando rcdesk"
Name: "{group}\Carpeta de datos de rcdesk"; Filename: "{localappdata}\rcdesk"; Comment: "Base de datos, copias de seguridad y registros"
Name: "{group}\Desinstalar rcdesk"; Filename: "{uninstallexe}"
Name: "{userdesktop}\rcdesk"; Filename: "{app}\rcdesk-gui.exe"; Tasks: escritorio

[Run]
Filename: "{app}\rcdesk-gui.exe"; Description: "Abrir rcdesk ahora"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program itself may leave in its folder; %LOCALAPPDATA%\rcdesk (the data) stays
Type: filesandordirs; Name: "{app}\_internal"
